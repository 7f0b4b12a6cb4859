import type { CheckResult } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, HTTP_MONITOR, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let admin: TestUser
let alice: TestUser
beforeAll(async () => {
  t = await createTestContext()
  admin = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
})
afterAll(() => t.close())

async function register(name: string, network_type: 'internal' | 'external' = 'external') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/register',
    headers: admin.auth,
    payload: { name, network_type },
  })
  expect(res.statusCode).toBe(201)
  return res.json() as { id: string; api_key: string }
}
const heartbeat = (key: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/probes/heartbeat', headers: { 'x-probe-api-key': key }, payload })
const upload = (key: string, batch_id: string, results: Partial<CheckResult>[]) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/results',
    headers: { 'x-probe-api-key': key },
    payload: { batch_id, results },
  })
const monitor = async (extra: object = {}) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitors',
      headers: alice.auth,
      payload: { ...HTTP_MONITOR, ...extra },
    })
  ).json() as {
    id: string
  }
const result = (monitor_id: string, status: CheckResult['status'], checked_at = t.clock.now()): CheckResult => ({
  monitor_id,
  checked_at,
  status,
  latency_ms: 12.5,
  http_status: status === 'down' ? 503 : 200,
  timings: { dns_ms: 1, connect_ms: 2, ttfb_ms: 5 },
  ...(status === 'down' ? { failure: { phase: 'response' as const, message: 'status 503 not accepted' } } : {}),
})

describe('probe registration and auth', () => {
  it('only a superadmin registers; the key is wiu_… and stored only as a hash', async () => {
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/register',
      headers: alice.auth,
      payload: { name: 'x' },
    })
    expect(denied.statusCode).toBe(403)
    const p = await register('paris')
    expect(p.api_key).toMatch(/^wiu_[A-Za-z0-9_-]{40,}$/)
    const row = await t.deps.repos.probes.findById(p.id)
    expect(row?.key_hash).not.toContain(p.api_key)
    expect(JSON.stringify(row)).not.toContain(p.api_key)
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/register',
      headers: admin.auth,
      payload: { name: 'paris' },
    })
    expect(dup.json().code).toBe('CONFLICT')
  })

  it('rejects missing, malformed and unknown keys before looking at the body', async () => {
    expect((await heartbeat('')).json().code).toBe('PROBE_KEY_INVALID')
    expect((await heartbeat('nope')).statusCode).toBe(401)
    expect((await heartbeat('wiu_unknownkey')).statusCode).toBe(401)
    const noHeader = await t.app.inject({ method: 'POST', url: '/api/v1/probes/results', payload: { junk: true } })
    expect(noHeader.statusCode).toBe(401)
  })
})

describe('probe management', () => {
  it('revokes a key by deactivating or rotating, at once', async () => {
    const p = await register('revocable')
    expect((await heartbeat(p.api_key)).statusCode).toBe(200)
    const off = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/probes/${p.id}`,
      headers: admin.auth,
      payload: { is_active: false },
    })
    expect(off.json().is_active).toBe(false)
    expect((await heartbeat(p.api_key)).json().code).toBe('PROBE_KEY_INVALID')
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/probes/${p.id}`,
      headers: admin.auth,
      payload: { is_active: true },
    })
    const rotated = (
      await t.app.inject({ method: 'POST', url: `/api/v1/probes/${p.id}/rotate-key`, headers: admin.auth })
    ).json()
    expect(rotated.api_key).not.toBe(p.api_key)
    expect((await heartbeat(p.api_key)).statusCode).toBe(401)
    expect((await heartbeat(rotated.api_key)).statusCode).toBe(200)
    const forbidden = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/probes/${p.id}`,
      headers: alice.auth,
      payload: { is_active: false },
    })
    expect(forbidden.statusCode).toBe(403)
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/probes/${p.id}`, headers: admin.auth })
    expect(del.statusCode).toBe(204)
    expect((await heartbeat(rotated.api_key)).statusCode).toBe(401)
  })
})

describe('assignment pull', () => {
  it('sends the assignment, then null while the config version is unchanged', async () => {
    const p = await register('berlin', 'external')
    const m1 = await monitor({ name: 'public' })
    const internalOnly = await monitor({ name: 'lan', network_scope: 'internal' })
    const first = (await heartbeat(p.api_key, { health: { cpu_percent: 3.5, monitors_active: 0 } })).json()
    const ids = first.monitors.map((m: { id: string }) => m.id)
    expect(ids).toContain(m1.id)
    expect(ids).not.toContain(internalOnly.id)
    const again = (await heartbeat(p.api_key, { config_version: first.config_version })).json()
    expect(again.monitors).toBeNull()
    expect(again.config_version).toBe(first.config_version)
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/monitors/${m1.id}`,
      headers: alice.auth,
      payload: { interval_seconds: 45 },
    })
    const changed = (await heartbeat(p.api_key, { config_version: first.config_version })).json()
    expect(changed.config_version).not.toBe(first.config_version)
    expect(changed.monitors.find((m: { id: string }) => m.id === m1.id).interval_seconds).toBe(45)
    const probes = (await t.app.inject({ url: '/api/v1/probes', headers: admin.auth })).json()
    expect(probes.find((x: { id: string }) => x.id === p.id).last_seen_at).not.toBeNull()
  })

  it('rejects out-of-range health values', async () => {
    const p = await register('oslo')
    const res = await heartbeat(p.api_key, { health: { cpu_percent: 150 } })
    expect(res.statusCode).toBe(400)
    expect(res.json().details.issues[0].path).toBe('body.health.cpu_percent')
  })
})

describe('result ingestion', () => {
  it('stores a batch once even when it is retried', async () => {
    const p = await register('madrid')
    const m = await monitor()
    const r = [result(m.id, 'up', t.clock.now() - 1000), result(m.id, 'up')]
    const first = await upload(p.api_key, 'boot1-1', r)
    expect(first.statusCode).toBe(202)
    expect(first.json()).toEqual({ accepted: 2, duplicate: false })
    const retry = await upload(p.api_key, 'boot1-1', r)
    expect(retry.json()).toEqual({ accepted: 0, duplicate: true })
    const stored = (await t.app.inject({ url: `/api/v1/monitors/${m.id}/results`, headers: alice.auth })).json()
    expect(stored).toHaveLength(2)
    expect(stored[0]).toMatchObject({ status: 'up', http_status: 200, probe_id: p.id, timings: { ttfb_ms: 5 } })
  })

  it('refuses a batch for a monitor outside the probe’s scope and stores nothing of it', async () => {
    const p = await register('external-1', 'external')
    const ok = await monitor()
    const lan = await monitor({ network_scope: 'internal' })
    const res = await upload(p.api_key, 'b-x', [result(ok.id, 'up'), result(lan.id, 'up')])
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('MONITOR_NOT_ASSIGNED')
    const stored = (await t.app.inject({ url: `/api/v1/monitors/${ok.id}/results`, headers: alice.auth })).json()
    expect(stored).toHaveLength(0)
  })

  it('rejects invalid results with the field named', async () => {
    const p = await register('rome')
    const m = await monitor()
    const res = await upload(p.api_key, 'b-bad', [{ ...result(m.id, 'up'), status: 'sideways' as never }])
    expect(res.statusCode).toBe(400)
    expect(res.json().details.issues[0].path).toBe('body.results.0.status')
  })

  it('derives status and opens then resolves exactly one incident', async () => {
    const p = await register('lisbon')
    const m = await monitor()
    const url = `/api/v1/monitors/${m.id}`
    await upload(p.api_key, 'l-1', [result(m.id, 'up')])
    expect((await t.app.inject({ url, headers: alice.auth })).json().status).toBe('up')

    t.clock.advance(30_000)
    const failedAt = t.clock.now()
    await upload(p.api_key, 'l-2', [result(m.id, 'down')])
    // One failed check is not an outage (failure_threshold defaults to 2).
    expect((await t.app.inject({ url, headers: alice.auth })).json().status).toBe('up')
    expect((await t.app.inject({ url: `${url}/incidents`, headers: alice.auth })).json()).toHaveLength(0)
    t.clock.advance(30_000)
    await upload(p.api_key, 'l-3', [result(m.id, 'down')])
    const down = (await t.app.inject({ url, headers: alice.auth })).json()
    expect(down.status).toBe('down')
    let incidents = (await t.app.inject({ url: `${url}/incidents`, headers: alice.auth })).json()
    expect(incidents).toHaveLength(1)
    expect(incidents[0]).toMatchObject({
      status: 'open',
      first_failure_at: new Date(failedAt).toISOString(),
      affected_probe_ids: [p.id],
      cause: 'response: status 503 not accepted',
    })

    t.clock.advance(30_000)
    await upload(p.api_key, 'l-4', [result(m.id, 'up')])
    // One good check does not recover it either (recovery_threshold defaults to 2).
    expect((await t.app.inject({ url: `${url}/incidents`, headers: alice.auth })).json()[0].status).toBe('open')
    t.clock.advance(30_000)
    await upload(p.api_key, 'l-5', [result(m.id, 'up')])
    incidents = (await t.app.inject({ url: `${url}/incidents`, headers: alice.auth })).json()
    expect(incidents).toHaveLength(1)
    expect(incidents[0]).toMatchObject({ status: 'resolved', duration_seconds: 60 })
    expect((await t.app.inject({ url, headers: alice.auth })).json().status).toBe('up')
  })

  it('stores late (replayed) results as history without opening an incident', async () => {
    const p = await register('vienna')
    const m = await monitor()
    await upload(p.api_key, 'v-1', [result(m.id, 'up')])
    // Results from a 10-minute-old outage arrive now, after the fact.
    const old = t.clock.now() - 600_000
    const res = await upload(p.api_key, 'v-0', [result(m.id, 'down', old), result(m.id, 'down', old + 30_000)])
    expect(res.json().accepted).toBe(2)
    const incidents = (await t.app.inject({ url: `/api/v1/monitors/${m.id}/incidents`, headers: alice.auth })).json()
    expect(incidents).toHaveLength(0)
    const stored = (await t.app.inject({ url: `/api/v1/monitors/${m.id}/results`, headers: alice.auth })).json()
    expect(stored.map((r: { status: string }) => r.status)).toEqual(['up', 'down', 'down'])
  })

  it('keeps at most one open incident under concurrent batches', async () => {
    const a = await register('c-a')
    const b = await register('c-b')
    const m = await monitor({ failure_threshold: 1 })
    await Promise.all([
      upload(a.api_key, 'ca-1', [result(m.id, 'down')]),
      upload(b.api_key, 'cb-1', [result(m.id, 'down')]),
      upload(a.api_key, 'ca-2', [result(m.id, 'down', t.clock.now() + 1)]),
    ])
    const open = (
      await t.app.inject({ url: `/api/v1/monitors/${m.id}/incidents?resolved=false`, headers: alice.auth })
    ).json()
    expect(open).toHaveLength(1)
  })
})
