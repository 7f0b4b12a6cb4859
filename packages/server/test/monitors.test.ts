import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, HTTP_MONITOR, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let alice: TestUser
let bob: TestUser
let admin: TestUser
beforeAll(async () => {
  t = await createTestContext()
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  admin = await t.createUser({ username: 'root', superadmin: true })
})
afterAll(() => t.close())

const create = (user: TestUser, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/v1/monitors/', headers: user.auth, payload: payload as object })

describe('monitors CRUD', () => {
  it('creates with defaults and reads back, with or without trailing slash', async () => {
    const res = await create(alice, HTTP_MONITOR)
    expect(res.statusCode).toBe(201)
    const m = res.json()
    expect(m).toMatchObject({
      name: 'Example',
      check_type: 'http',
      url: 'http://127.0.0.1:9/health',
      method: 'GET',
      interval_seconds: 30,
      timeout_seconds: 10,
      expected_status_codes: ['200-299'],
      follow_redirects: true,
      network_scope: 'all',
      enabled: true,
      status: 'unknown',
      owner_id: alice.id,
    })
    const one = await t.app.inject({ url: `/api/v1/monitors/${m.id}`, headers: alice.auth })
    expect(one.json().id).toBe(m.id)
    const list = await t.app.inject({ url: '/api/v1/monitors', headers: alice.auth })
    expect(list.headers['x-total-count']).toBe('1')
    expect(list.json().map((x: { id: string }) => x.id)).toEqual([m.id])
  })

  it('patches partially, re-validating the merged monitor', async () => {
    const m = (await create(alice, { ...HTTP_MONITOR, name: 'Patch me' })).json()
    const ok = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/monitors/${m.id}`,
      headers: alice.auth,
      payload: { interval_seconds: 120, expected_status_codes: [200, '300-399'], custom_headers: { 'X-Env': 'prod' } },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({
      interval_seconds: 120,
      expected_status_codes: [200, '300-399'],
      custom_headers: { 'X-Env': 'prod' },
    })
    // timeout > interval only shows up on the merged object.
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/monitors/${m.id}`,
      headers: alice.auth,
      payload: { timeout_seconds: 60, interval_seconds: 30 },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details.issues[0].path).toBe('body.timeout_seconds')
    const after = (await t.app.inject({ url: `/api/v1/monitors/${m.id}`, headers: alice.auth })).json()
    expect(after.interval_seconds).toBe(120)
  })

  it('pauses, resumes and deletes', async () => {
    const m = (await create(alice, { ...HTTP_MONITOR, name: 'Pausable' })).json()
    const paused = await t.app.inject({ method: 'POST', url: `/api/v1/monitors/${m.id}/pause`, headers: alice.auth })
    expect(paused.json()).toMatchObject({ enabled: false, status: 'paused' })
    const resumed = await t.app.inject({ method: 'POST', url: `/api/v1/monitors/${m.id}/resume`, headers: alice.auth })
    expect(resumed.json()).toMatchObject({ enabled: true, status: 'unknown' })
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/monitors/${m.id}`, headers: alice.auth })
    expect(del.statusCode).toBe(204)
    const gone = await t.app.inject({ url: `/api/v1/monitors/${m.id}`, headers: alice.auth })
    expect(gone.statusCode).toBe(404)
    expect(gone.json().code).toBe('NOT_FOUND')
  })
})

describe('monitor validation: clear 400s that name the field and store nothing', () => {
  const cases: [string, unknown, string][] = [
    ['missing url', { name: 'x' }, 'body.url'],
    ['non-http url', { name: 'x', url: 'ftp://example.com' }, 'body.url'],
    ['interval below 10 s', { ...HTTP_MONITOR, interval_seconds: 5 }, 'body.interval_seconds'],
    ['wrong type', { ...HTTP_MONITOR, interval_seconds: '60' }, 'body.interval_seconds'],
    ['bad status range', { ...HTTP_MONITOR, expected_status_codes: ['299-200'] }, 'body.expected_status_codes.0'],
    ['status out of range', { ...HTTP_MONITOR, expected_status_codes: [99] }, 'body.expected_status_codes.0'],
    ['forbidden header', { ...HTTP_MONITOR, custom_headers: { Host: 'evil' } }, 'body.custom_headers'],
    ['unknown field', { ...HTTP_MONITOR, colour: 'red' }, 'body.colour'],
    ['unknown check type', { ...HTTP_MONITOR, check_type: 'carrier-pigeon' }, 'body.check_type'],
  ]
  it.each(cases)('%s', async (_name, payload, path) => {
    const before = (await t.app.inject({ url: '/api/v1/monitors', headers: bob.auth })).headers['x-total-count']
    const res = await create(bob, payload)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
    expect(res.json().details.issues.map((i: { path: string }) => i.path)).toContain(path)
    expect(res.json().message).toContain(path)
    const after = (await t.app.inject({ url: '/api/v1/monitors', headers: bob.auth })).headers['x-total-count']
    expect(after).toBe(before)
  })

  it('rejects malformed JSON and oversized bodies', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitors',
      headers: { ...bob.auth, 'content-type': 'application/json' },
      payload: '{"name": "x",',
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().code).toBe('INVALID_JSON')
    const huge = await create(bob, { ...HTTP_MONITOR, body: 'x'.repeat(2 * 1024 * 1024) })
    expect(huge.statusCode).toBe(413)
    expect(huge.json().code).toBe('BODY_TOO_LARGE')
  })

  it('rejects creation for users without the right', async () => {
    const viewer = await t.createUser({ canCreate: false })
    const res = await create(viewer, HTTP_MONITOR)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('FORBIDDEN')
  })
})

describe('tenant isolation', () => {
  it('hides other users’ monitors (404, never in lists) but shows them to a superadmin', async () => {
    const secret = (await create(alice, { ...HTTP_MONITOR, name: 'Alice only' })).json()
    for (const req of [
      { method: 'GET' as const, url: `/api/v1/monitors/${secret.id}` },
      { method: 'PATCH' as const, url: `/api/v1/monitors/${secret.id}`, payload: { name: 'pwned' } },
      { method: 'DELETE' as const, url: `/api/v1/monitors/${secret.id}` },
      { method: 'POST' as const, url: `/api/v1/monitors/${secret.id}/pause` },
      { method: 'GET' as const, url: `/api/v1/monitors/${secret.id}/results` },
      { method: 'GET' as const, url: `/api/v1/monitors/${secret.id}/incidents` },
    ]) {
      const res = await t.app.inject({ ...req, headers: bob.auth })
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(404)
    }
    const bobList = (await t.app.inject({ url: '/api/v1/monitors?limit=500', headers: bob.auth })).json()
    expect(bobList.map((m: { id: string }) => m.id)).not.toContain(secret.id)
    const adminView = await t.app.inject({ url: `/api/v1/monitors/${secret.id}`, headers: admin.auth })
    expect(adminView.json()).toMatchObject({ name: 'Alice only', enabled: true })
  })

  it('paginates and searches within what the caller may see', async () => {
    const u = await t.createUser()
    for (const n of ['api-eu', 'api-us', 'web']) await create(u, { ...HTTP_MONITOR, name: n })
    const page = await t.app.inject({ url: '/api/v1/monitors?limit=2&offset=0', headers: u.auth })
    expect(page.headers['x-total-count']).toBe('3')
    expect(page.json().map((m: { name: string }) => m.name)).toEqual(['api-eu', 'api-us'])
    const search = await t.app.inject({ url: '/api/v1/monitors?q=API', headers: u.auth })
    expect(search.json().map((m: { name: string }) => m.name)).toEqual(['api-eu', 'api-us'])
    const badQuery = await t.app.inject({ url: '/api/v1/monitors?limit=0', headers: u.auth })
    expect(badQuery.statusCode).toBe(400)
    expect(badQuery.json().details.issues[0].path).toBe('querystring.limit')
  })
})

describe('platform', () => {
  it('serves health, OpenAPI 3.1 and coded 404s', async () => {
    const health = await t.app.inject({ url: '/api/health' })
    expect(health.json()).toMatchObject({ status: 'ok', services: { database: 'ok' } })
    const spec = await t.app.inject({ url: '/api/openapi.json' })
    expect(spec.json().openapi).toBe('3.1.0')
    expect(Object.keys(spec.json().paths)).toContain('/api/v1/monitors/{id}')
    const missing = await t.app.inject({ url: '/api/v1/nothing-here' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('ROUTE_NOT_FOUND')
    const docs = await t.app.inject({ url: '/api/docs' })
    expect(docs.statusCode).toBeLessThan(400)
  })
})
