import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import {
  checkWith,
  itFailsLikeEveryServiceCheck,
  redisCommand,
  type Spawned,
  spawnRedisTls,
  uniqueName,
} from '../../test/helpers/services.js'
import { createRedisChecker, parseReply, ReplyError } from './redis.js'

const check = checkWith(createRedisChecker(), 'redis')
const key = uniqueName('wiu:health')
const user = uniqueName('wiu_user')

beforeAll(async () => {
  await redisCommand(['SET', key, 'green'])
  await redisCommand(['ACL', 'SETUSER', user, 'on', '>s3cret', '~*', '+@read', '+@connection'])
})
afterAll(async () => {
  await redisCommand(['DEL', key])
  await redisCommand(['ACL', 'DELUSER', user])
})

describe('redis checker', () => {
  it('is up when the reply matches expected_value, with timings', async () => {
    const r = await check({ command: `GET ${key}`, expected_value: 'green' })
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1', details: { result: 'green' } })
    expect(r.timings).toEqual({ connect_ms: expect.any(Number), ttfb_ms: expect.any(Number) })
    expect(r.conditions).toEqual([
      { condition: '[RESULT] == "green"', success: true, actual: 'green', severity: 'down' },
    ])
  })

  it('is down with the actual value when it does not match; a missing key reads as null', async () => {
    const r = await check({ command: `GET ${key}`, expected_value: 'red' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.conditions).toEqual([
      { condition: '[RESULT] == "red"', success: false, actual: 'green', severity: 'down' },
    ])
    const missing = await check({ command: `GET ${key}:none`, expected_value: 'red' })
    expect(missing).toMatchObject({ status: 'down', details: { result: null }, conditions: [{ actual: 'null' }] })
  })

  it('selects the database first, and evaluates conditions on integer replies', async () => {
    const other = await check({ command: `EXISTS ${key}`, db: 7 }, { conditions: ['[RESULT] == 0'] })
    expect(other).toMatchObject({ status: 'up', conditions: [{ success: true, actual: '0' }] })
    const here = await check({ command: `STRLEN ${key}` }, { conditions: ['[RESULT] == 5'] })
    expect(here).toMatchObject({ status: 'up', details: { result: '5' } })
  })

  it('authenticates with username and password; a wrong one is down with the server message', async () => {
    const ok = await check({ command: `GET ${key}`, username: user, password: 's3cret', expected_value: 'green' })
    expect(ok.status).toBe('up')
    const r = await check({ command: 'PING', username: user, password: 'wrong' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toMatch(/^AUTH failed: WRONGPASS/)
  })

  it('reports an error reply with the server message', async () => {
    const r = await check({ command: 'HGET onlyonearg' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toBe("HGET onlyonearg failed: ERR wrong number of arguments for 'hget' command")
  })

  it('never sends a command that is not read-only, whatever the assignment says', async () => {
    const r = await check({}, { command: 'FLUSHALL' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'config' } })
    expect(r.remote_address).toBeUndefined()
  })

  itFailsLikeEveryServiceCheck(check, 'reply')
})

describe('redis checker over TLS', () => {
  let certs: TestCerts
  let server: Spawned
  beforeAll(async () => {
    certs = await makeTestCerts()
    server = await spawnRedisTls(certs.valid)
  }, 30_000)
  afterAll(async () => {
    await server?.stop()
    await certs?.cleanup()
  })

  it('verifies the certificate against the trusted CA and times the handshake', async () => {
    const trusting = checkWith(createRedisChecker({ extraCa: [certs.ca] }), 'redis')
    const r = await trusting({ port: server.tlsPort, tls: true, expected_value: 'PONG' })
    expect(r).toMatchObject({ status: 'up', tls: { authorized: true } })
    expect(r.timings).toEqual({
      connect_ms: expect.any(Number),
      tls_ms: expect.any(Number),
      ttfb_ms: expect.any(Number),
    })
  })

  it('refuses an untrusted certificate before sending anything, unless told to ignore it', async () => {
    const r = await check({ port: server.tlsPort, tls: true, password: 'never-sent' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' }, tls: { authorized: false } })
    expect((await check({ port: server.tlsPort, tls: true, ignore_tls_errors: true })).status).toBe('up')
  })
})

describe('RESP replies', () => {
  const parse = (text: string) => parseReply(Buffer.from(text), 0)
  it.each([
    ['+OK\r\n', 'OK', 5],
    [':-42\r\n', '-42', 6],
    ['$4\r\nhé!\r\n', 'hé!', 10],
    ['$-1\r\n', null, 5],
    ['*2\r\n$1\r\na\r\n:1\r\n', ['a', '1'], 15],
    ['*-1\r\n', null, 5],
  ])('%j', (text, reply, end) => {
    expect(parse(text)).toEqual({ reply, end })
  })
  it('keeps error replies apart and waits for incomplete ones', () => {
    expect(parse('-NOAUTH Authentication required.\r\n')?.reply).toEqual(
      new ReplyError('NOAUTH Authentication required.'),
    )
    for (const partial of ['+OK', '$5\r\nhel', '*2\r\n$1\r\na\r\n']) expect(parse(partial)).toBeUndefined()
  })
  it('rejects what is not RESP', () => {
    expect(() => parse('HTTP/1.1 400 Bad Request\r\n')).toThrow(/not a Redis reply/)
    expect(() => parse('\u0000\u0001binary, no line end')).toThrow(/not a Redis reply/)
  })
})
