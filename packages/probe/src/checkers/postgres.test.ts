import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import {
  checkWith,
  externalProbe,
  itFailsLikeEveryServiceCheck,
  type Spawned,
  spawnPostgres,
  uniqueName,
} from '../../test/helpers/services.js'
import { createPostgresChecker } from './postgres.js'

const check = checkWith(createPostgresChecker(), 'postgres')
const admin = (database = 'postgres') => new pg.Client({ host: '127.0.0.1', user: 'postgres', password: '', database })
const database = uniqueName('wiu_pg')
const role = uniqueName('wiu_role')

beforeAll(async () => {
  const server = admin()
  await server.connect()
  await server.query(`CREATE DATABASE ${database}`)
  await server.query(`CREATE ROLE ${role} NOLOGIN`)
  await server.end()
  const db = admin(database)
  await db.connect()
  await db.query(`CREATE TABLE health (v text); INSERT INTO health VALUES ('hello')`)
  await db.end()
})
afterAll(async () => {
  const server = admin()
  await server.connect()
  await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  await server.query(`DROP ROLE IF EXISTS ${role}`)
  await server.end()
})

describe('postgres checker', () => {
  it('is up when the first value matches expected_value, with timings and server facts', async () => {
    const r = await check({ database, query: 'SELECT v, 2 FROM health', expected_value: 'hello' })
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1' })
    expect(r.failure).toBeUndefined()
    expect(r.timings).toEqual({ connect_ms: expect.any(Number), ttfb_ms: expect.any(Number) })
    expect(r.details).toMatchObject({ result: 'hello', rows: 1, server_version: expect.stringMatching(/^\d+/) })
    expect(r.conditions).toEqual([
      { condition: '[RESULT] == "hello"', success: true, actual: 'hello', severity: 'down' },
    ])
  })

  it('compares the server text exactly: a wrong expected_value is an assertion failure showing the actual value', async () => {
    const r = await check({ database, query: "SELECT 1.50::numeric, 'x'", expected_value: '1.5' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.failure?.message).toContain('actual 1.50')
    expect(r.conditions).toEqual([{ condition: '[RESULT] == "1.5"', success: false, actual: '1.50', severity: 'down' }])
  })

  it('evaluates conditions on [RESULT], and reports no value for an empty result', async () => {
    const counted = await check({ database, query: 'SELECT count(*) FROM health' }, { conditions: ['[RESULT] >= 1'] })
    expect(counted).toMatchObject({ status: 'up', conditions: [{ success: true, actual: '1' }] })
    const empty = await check(
      { database, query: 'SELECT v FROM health WHERE false' },
      { conditions: ['[RESULT] == 1'] },
    )
    expect(empty).toMatchObject({ status: 'down', failure: { phase: 'assertion' }, details: { rows: 0 } })
    expect(empty.conditions?.[0]).toMatchObject({ success: false, actual: 'null' })
  })

  it('reports a failing query with the server message', async () => {
    const r = await check({ database, query: 'SELECT missing FROM nowhere' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toMatch(/^query failed: .*relation "nowhere" does not exist/)
  })

  it('reports a refused login with the server message', async () => {
    const r = await check({ database, username: role, password: 'whatever' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toContain(`role "${role}" is not permitted to log in`)
  })

  itFailsLikeEveryServiceCheck(check, 'login')

  it('refuses private addresses on an external probe, by name too', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const r = await check({ host }, {}, externalProbe)
      expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
      expect(r.remote_address).toBeUndefined()
    }
  })

  it('asks for TLS and reports a server that has none', async () => {
    const r = await check({ tls: true })
    expect(r).toMatchObject({
      status: 'down',
      failure: { phase: 'tls', message: 'the server does not accept TLS connections' },
    })
  })
})

describe('postgres checker with password authentication and TLS', () => {
  let certs: TestCerts
  let server: Spawned
  beforeAll(async () => {
    certs = await makeTestCerts()
    server = await spawnPostgres('s3cret', certs.valid)
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
    await certs?.cleanup()
  })

  it('reports a wrong password with the server message', async () => {
    const r = await check({ port: server.port, password: 'wrong' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toContain('password authentication failed for user "postgres"')
    expect((await check({ port: server.port, password: 's3cret' })).status).toBe('up')
  })

  it('logs in over TLS, verified against the trusted CA, with the handshake timed and the certificate reported', async () => {
    const trusting = checkWith(createPostgresChecker({ extraCa: [certs.ca] }), 'postgres')
    const r = await trusting({ port: server.port, password: 's3cret', tls: true, expected_value: '1' })
    expect(r).toMatchObject({ status: 'up', tls: { authorized: true, subject: 'valid' } })
    expect(r.timings).toEqual({
      connect_ms: expect.any(Number),
      tls_ms: expect.any(Number),
      ttfb_ms: expect.any(Number),
    })
  })

  it('fails an untrusted certificate before logging in, unless told to ignore it', async () => {
    const r = await check({ port: server.port, password: 's3cret', tls: true })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' }, tls: { authorized: false } })
    const ignoring = await check({ port: server.port, password: 's3cret', tls: true, ignore_tls_errors: true })
    expect(ignoring).toMatchObject({ status: 'up', tls: { authorized: false } })
  })
})
