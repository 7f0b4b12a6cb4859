import type { ProbeKind } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let alice: TestUser
beforeAll(async () => {
  t = await createTestContext()
  alice = await t.createUser({ username: 'alice' })
})
afterAll(() => t.close())

const create = (payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/monitors/', headers: alice.auth, payload })
const patch = (id: string, payload: object) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/monitors/${id}`, headers: alice.auth, payload })
const paths = (res: { json(): unknown }) =>
  ((res.json() as { details?: { issues?: { path: string }[] } }).details?.issues ?? []).map((i) => i.path)

/** One valid monitor of every probe kind: the smallest payload, the target it gets, and some defaults. */
const KIND_CASES: Record<ProbeKind, { payload: object; target: string; defaults: object }> = {
  http: {
    payload: { url: 'https://example.com/health' },
    target: 'https://example.com/health',
    defaults: {
      method: 'GET',
      expected_status_codes: ['200-299'],
      auth: null,
      ip_family: 'auto',
      json_path_operator: '==',
    },
  },
  tcp: {
    payload: { host: 'db.internal', port: 5432 },
    target: 'tcp://db.internal:5432',
    defaults: { tls: false, send: null, expect: null, ip_family: 'auto' },
  },
  udp: {
    payload: { host: '10.0.0.53', port: 53, payload: 'ping' },
    target: 'udp://10.0.0.53:53',
    defaults: { payload_encoding: 'text', expect: null, silence_is_up: false },
  },
  dns: {
    payload: { hostname: 'example.com', record_type: 'MX', resolvers: ['1.1.1.1', '[2606:4700::1111]:53'] },
    target: 'dns://example.com/MX',
    defaults: { expected_values: [], expected_rcode: 'NOERROR', drift_alert: false },
  },
  smtp: {
    payload: { host: 'mail.example.com', starttls: true },
    target: 'smtp://mail.example.com:25',
    defaults: { port: 25, implicit_tls: false, ehlo_name: 'whatisup-monitor' },
  },
  ping: {
    payload: { host: '::1' },
    target: 'ping://[::1]',
    defaults: { count: 3, degraded_loss_percent: 1 },
  },
  domain_expiry: {
    payload: { domain: 'example.com', interval_seconds: 86_400 },
    target: 'domain://example.com',
    defaults: { warn_days: 30 },
  },
  websocket: {
    payload: { url: 'wss://example.com/socket', send: 'ping', expect: 'pong' },
    target: 'wss://example.com/socket',
    defaults: { custom_headers: {}, ignore_tls_errors: false },
  },
  postgres: {
    payload: { host: 'pg.internal', username: 'monitor' },
    target: 'postgres://pg.internal:5432',
    defaults: { port: 5432, database: 'postgres', query: 'SELECT 1', password: null, tls: false },
  },
  mysql: {
    payload: { host: 'mysql.internal', database: 'app' },
    target: 'mysql://mysql.internal:3306',
    defaults: { port: 3306, query: 'SELECT 1', username: null, expected_value: null },
  },
  redis: {
    payload: { host: 'cache', command: 'GET health:flag', expected_value: 'ok' },
    target: 'redis://cache:6379',
    defaults: { port: 6379, db: 0 },
  },
  mqtt: {
    payload: { host: 'broker', topic: 'status/#' },
    target: 'mqtt://broker:1883',
    defaults: { port: 1883, expected_value: null },
  },
}

describe('every probe kind: create, then read back', () => {
  it.each(Object.entries(KIND_CASES))('%s', async (kind, { payload, target, defaults }) => {
    const res = await create({ name: `a ${kind}`, check_type: kind, ...payload })
    expect(res.statusCode, res.body).toBe(201)
    const m = res.json()
    expect(m).toMatchObject({ check_type: kind, target, conditions: [], ...payload, ...defaults })
    const again = (await t.app.inject({ url: `/api/v1/monitors/${m.id}`, headers: alice.auth })).json()
    expect(again).toEqual(m)
  })

  it('keeps hand-written conditions, with the kind’s own placeholders', async () => {
    const res = await create({
      name: 'pg rows',
      check_type: 'postgres',
      host: 'pg',
      query: 'SELECT count(*) FROM jobs',
      conditions: ['[RESULT] < 100 ~degraded', '[RESPONSE_TIME] < 500'],
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().conditions).toEqual(['[RESULT] < 100 ~degraded', '[RESPONSE_TIME] < 500'])
  })
})

describe('bad input: a 400 that names the field', () => {
  const cases: [string, object, string, RegExp?][] = [
    ['tcp without port', { check_type: 'tcp', host: 'db' }, 'body.port'],
    ['tcp host with a scheme', { check_type: 'tcp', host: 'tcp://db', port: 1 }, 'body.host', /host name or IP/],
    [
      'dns with a bad resolver',
      { check_type: 'dns', hostname: 'example.com', resolvers: ['dns.google'] },
      'body.resolvers.0',
    ],
    ['dns record type', { check_type: 'dns', hostname: 'example.com', record_type: 'PTR' }, 'body.record_type'],
    [
      'domain_expiry checked more than hourly',
      { check_type: 'domain_expiry', domain: 'example.com', interval_seconds: 600 },
      'body.interval_seconds',
      /at least 3600/,
    ],
    [
      'http json_path_operator',
      { url: 'https://a.example', json_path: '$.a', json_path_operator: '=~' },
      'body.json_path_operator',
    ],
    ['websocket with an http url', { check_type: 'websocket', url: 'https://a.example' }, 'body.url', /ws:\/\//],
    ['redis write command', { check_type: 'redis', host: 'cache', command: 'FLUSHALL' }, 'body.command', /read-only/],
    ['ping count', { check_type: 'ping', host: 'a.example', count: 50 }, 'body.count'],
    [
      'a field of another kind',
      { check_type: 'tcp', host: 'db', port: 1, url: 'https://a.example' },
      'body.url',
      /unknown field/,
    ],
    ['an http field on ping', { check_type: 'ping', host: 'db', keyword: 'x' }, 'body.keyword', /unknown field/],
    ['http body regex', { url: 'https://a.example', body_regex: '(' }, 'body.body_regex', /regular expression/],
    [
      'http header regex',
      { url: 'https://a.example', expected_headers: { 'X-A': '/(/' } },
      'body.expected_headers.X-A',
    ],
    ['http json path', { url: 'https://a.example', json_path: '$.a..b' }, 'body.json_path', /name after/],
    [
      'a condition that cannot parse',
      { url: 'https://a.example', conditions: ['[STATUS] == 200', '[STATUS] = 200'] },
      'body.conditions.1',
      /unknown operator '='.*\(at position 9\)/,
    ],
    [
      'a placeholder of another kind',
      { check_type: 'tcp', host: 'db', port: 1, conditions: ['[RESULT] == 1'] },
      'body.conditions.0',
      /position 0/,
    ],
  ]
  it.each(cases)('%s', async (_name, payload, path, message) => {
    const res = await create({ name: 'bad', ...payload })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
    expect(paths(res)).toContain(path)
    const issue = res.json().details.issues.find((i: { path: string }) => i.path === path)
    if (message) expect(issue.message).toMatch(message)
  })

  it.each([
    ['heartbeat', { period_seconds: 300 }],
    ['composite', {}],
    ['manual', {}],
  ])('accepts %s monitors, which the server evaluates itself', async (kind, extra) => {
    const res = await create({ name: kind, check_type: kind, ...extra })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ check_type: kind, status: 'unknown' })
    expect('ping_url' in res.json()).toBe(kind === 'heartbeat')
  })
})

describe('PATCH across kinds', () => {
  it('changes http → tcp with the new fields, dropping every http setting', async () => {
    const m = (
      await create({ name: 'move', url: 'https://a.example', keyword: 'ok', conditions: ['[STATUS] == 200'] })
    ).json()
    const res = await patch(m.id, { check_type: 'tcp', host: 'db.internal', port: 6432, conditions: [] })
    expect(res.statusCode, res.body).toBe(200)
    const tcp = res.json()
    expect(tcp).toMatchObject({
      id: m.id,
      name: 'move',
      check_type: 'tcp',
      target: 'tcp://db.internal:6432',
      tls: false,
    })
    expect(tcp).not.toHaveProperty('url')
    expect(tcp).not.toHaveProperty('keyword')
  })

  it('names the missing field of the new kind, and changes nothing', async () => {
    const m = (await create({ name: 'stay', url: 'https://a.example' })).json()
    const res = await patch(m.id, { check_type: 'tcp', host: 'db' })
    expect(res.statusCode).toBe(400)
    expect(paths(res)).toContain('body.port')
    const again = (await t.app.inject({ url: `/api/v1/monitors/${m.id}`, headers: alice.auth })).json()
    expect(again).toMatchObject({ check_type: 'http', url: 'https://a.example' })
  })

  it('rejects fields of the stored kind’s neighbours by name, and accepts a server kind', async () => {
    const m = (await create({ name: 'tcp', check_type: 'tcp', host: 'db', port: 1 })).json()
    const wrong = await patch(m.id, { url: 'https://a.example' })
    expect(wrong.statusCode).toBe(400)
    expect(paths(wrong)).toContain('body.url')
    const manual = await patch(m.id, { check_type: 'manual' })
    expect(manual.statusCode, manual.body).toBe(200)
    expect(manual.json()).toMatchObject({ check_type: 'manual', target: 'manual' })
  })

  it('patches a url under its own kind’s rules (http(s) for http, ws(s) for websocket)', async () => {
    const http = (await create({ name: 'h', url: 'https://a.example' })).json()
    expect((await patch(http.id, { url: 'https://b.example/x' })).json().target).toBe('https://b.example/x')
    const ws = (await create({ name: 'w', check_type: 'websocket', url: 'wss://a.example' })).json()
    expect((await patch(ws.id, { url: 'ws://b.example/x' })).json().target).toBe('ws://b.example/x')
    const crossed = await patch(ws.id, { url: 'https://b.example/x' })
    expect(crossed.statusCode).toBe(400)
    expect(crossed.json().details.issues).toEqual([{ path: 'body.url', message: 'expected a ws:// or wss:// URL' }])
    const neither = await patch(http.id, { url: 'ftp://b.example' })
    expect(paths(neither)).toEqual(['body.url'])
  })

  it('reports a bad condition on PATCH at its index with the position', async () => {
    const m = (await create({ name: 'c', url: 'https://a.example' })).json()
    const res = await patch(m.id, { conditions: ['[STATUS] == 200', 'len([BODY]) >', '[BODY].ok == true'] })
    expect(res.statusCode).toBe(400)
    expect(paths(res)).toEqual(['body.conditions.1'])
    expect(res.json().message).toMatch(/^body\.conditions\.1: .*\(at position \d+\)$/)
  })
})
