import type { IncomingHttpHeaders } from 'node:http'
import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { type Running, startHttp } from '../../test/helpers/servers.js'
import { createHttpChecker } from './http.js'
import { JSON_SCHEMA_CONDITION } from './json-schema.js'

const checker = createHttpChecker()
const check = (overrides: Parameters<typeof monitor>[0]): Promise<CheckResult> =>
  checker.run({ monitor: monitor(overrides), checkedAt: 1, policy: { allowPrivate: true }, clock: systemClock })

const HEALTH = {
  status: 'healthy',
  version: '2.14',
  checks: { db: 'ok', queue: 'lagging' },
  items: [{ id: 1 }, { id: 2 }],
}
let server: Running
const seen: IncomingHttpHeaders[] = []

beforeAll(async () => {
  server = await startHttp((req, res) => {
    seen.push(req.headers)
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 150)
    if (req.url === '/text') return res.writeHead(200, { 'content-type': 'text/plain' }).end('hello world')
    res.writeHead(200, { 'content-type': 'application/json', 'x-env': 'prod' }).end(JSON.stringify(HEALTH))
  })
})
afterAll(() => server.close())

describe('http conditions', () => {
  it('carries the status condition on every result', async () => {
    const r = await check({ url: `${server.url}/` })
    expect(r.conditions).toEqual([
      { condition: '[STATUS] == any(200..299)', success: true, actual: '200', severity: 'down' },
    ])
  })

  it('compiles the simple fields into conditions, all passing', async () => {
    const r = await check({
      url: `${server.url}/`,
      keyword: 'healthy',
      body_regex: '"version":\\s*"\\d+\\.\\d+"',
      expected_headers: { 'Content-Type': '/^application\\/json/i', 'X-Env': 'prod' },
      json_path: '$.checks.db',
      json_path_expected: 'ok',
      max_response_time_ms: 5000,
    })
    expect(r.status).toBe('up')
    expect(r.conditions?.map((c) => [c.condition, c.success])).toEqual([
      ['[STATUS] == any(200..299)', true],
      ['[BODY] == contains("healthy")', true],
      ['[BODY] == regex("\\"version\\":\\\\s*\\"\\\\d+\\\\.\\\\d+\\"")', true],
      ['[HEADERS].content-type == regex("^application\\\\/json", i)', true],
      ['[HEADERS].x-env == "prod"', true],
      ['[BODY].checks.db == "ok"', true],
      ['[RESPONSE_TIME] <= 5000 ~degraded', true],
    ])
  })

  it.each([
    [{ keyword: 'maintenance' }, 'keyword "maintenance" not found in the body'],
    [{ keyword: 'healthy', keyword_negate: true }, 'forbidden keyword "healthy" found in the body'],
    [{ expected_headers: { 'X-Env': 'staging' } }, 'header X-Env is "prod", expected staging'],
    [{ expected_headers: { 'X-Missing': 'a' } }, 'header X-Missing is missing, expected a'],
    [{ json_path: 'checks.queue', json_path_expected: 'ok' }, '[BODY].checks.queue == "ok" failed: actual lagging'],
    [{ body_regex: '^<html' }, 'the body does not match ^<html'],
  ])('is down with the field message when %j fails', async (fields, message) => {
    const r = await check({ url: `${server.url}/`, ...fields })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion', message } })
  })

  it('is degraded, not down, when only the response-time threshold fails', async () => {
    const r = await check({ url: `${server.url}/slow`, max_response_time_ms: 50 })
    expect(r).toMatchObject({ status: 'degraded', failure: { phase: 'assertion' } })
    expect(r.failure?.message).toMatch(/^response time \d+(\.\d+)?ms above 50ms$/)
  })

  it('evaluates hand-written conditions with [IP], [CONNECTED], len() and severities', async () => {
    const r = await check({
      url: `${server.url}/`,
      conditions: [
        'len([BODY].items) == 2',
        '[IP] == 127.0.0.1',
        '[CONNECTED] == true',
        '[BODY].version > 3 ~degraded',
      ],
    })
    expect(r.conditions?.slice(1).map((c) => c.success)).toEqual([true, true, true, false])
    expect(r).toMatchObject({ status: 'degraded', failure: { message: '[BODY].version > 3 failed: actual 2.14' } })
  })

  it('a down condition outranks a degraded one', async () => {
    const r = await check({ url: `${server.url}/`, conditions: ['[BODY].version > 3 ~degraded', '[STATUS] == 204'] })
    expect(r).toMatchObject({ status: 'down', failure: { message: '[STATUS] == 204 failed: actual 200' } })
  })

  it('keeps the transport failure and still lists the conditions when the target is unreachable', async () => {
    const r = await check({ url: 'http://127.0.0.1:1/', conditions: ['[CONNECTED] == true'] })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'connect' } })
    expect(r.conditions?.map((c) => [c.condition, c.success, c.actual])).toEqual([
      ['[STATUS] == any(200..299)', false, 'null'],
      ['[CONNECTED] == true', false, 'false'],
    ])
  })

  it('validates the body against a JSON Schema (2020-12), naming the first error', async () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['status', 'items'],
      properties: { items: { type: 'array', prefixItems: [{ type: 'object' }], items: { type: 'object' } } },
    }
    const ok = await check({ url: `${server.url}/`, json_schema: schema })
    expect(ok.status).toBe('up')
    expect(ok.conditions?.at(-1)).toEqual({
      condition: JSON_SCHEMA_CONDITION,
      success: true,
      actual: 'valid',
      severity: 'down',
    })
    const strict = {
      ...schema,
      properties: { items: { type: 'array', items: { properties: { id: { type: 'string' } } } } },
    }
    const bad = await check({ url: `${server.url}/`, json_schema: strict })
    expect(bad).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(bad.failure?.message).toContain('/items/0/id must be string')
    const text = await check({ url: `${server.url}/text`, json_schema: schema })
    expect(text.conditions?.at(-1)).toMatchObject({ success: false, error: 'the body is not JSON' })
  })

  it('reports an unusable JSON Schema instead of throwing', async () => {
    const r = await check({ url: `${server.url}/`, json_schema: { type: 'no-such-type' } })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.conditions?.at(-1)?.error).toContain('invalid JSON Schema')
  })

  it('sends basic and bearer credentials', async () => {
    seen.length = 0
    await check({ url: `${server.url}/`, auth: { type: 'basic', username: 'ann', password: 'pä:ss' } })
    await check({ url: `${server.url}/`, auth: { type: 'bearer', token: 't0k' } })
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('ann:pä:ss').toString('base64')}`)
    expect(seen[1]?.authorization).toBe('Bearer t0k')
  })

  it('resolves only the chosen IP family', async () => {
    const v4 = await check({ url: `http://localhost:${server.port}/`, ip_family: 'ipv4' })
    expect(v4).toMatchObject({ status: 'up', remote_address: '127.0.0.1' })
    const v6 = await check({ url: `http://localhost:${server.port}/`, ip_family: 'ipv6' })
    // The server listens on 127.0.0.1 only: over IPv6 there is nobody (or no ::1 at all).
    expect(v6.status).toBe('down')
    expect(['connect', 'dns']).toContain(v6.failure?.phase)
  })
})
