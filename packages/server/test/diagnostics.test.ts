import type { DiagnosticResult, IncidentDiagnosticsDto } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DomainEvents } from '../src/core/events.js'
import { RESEND_AFTER_MS } from '../src/modules/diagnostics/index.js'
import { createTestContext, registerProbe, type TestContext, type TestUser, uploadResults } from './helpers.js'

/**
 * Diagnostics at incident open, through the API on real storage (SQLite, and PostgreSQL with
 * WIU_TEST_PG_URL): which probes are asked, how the request reaches them, the upload, expiry and
 * who may read them.
 */
let t: TestContext
let admin: TestUser
let alice: TestUser
let bob: TestUser
type Probe = { id: string; api_key: string }
let eu1: Probe
let eu2: Probe
let us1: Probe
let monitorId = ''
let incidentId = ''
const recorded: DomainEvents['DiagnosticsRecorded'][] = []

beforeAll(async () => {
  t = await createTestContext()
  admin = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  t.deps.events.on('DiagnosticsRecorded', (e) => {
    recorded.push(e)
  })
  eu1 = await registerProbe(t, admin, 'eu-1', { location_name: 'Paris' })
  eu2 = await registerProbe(t, admin, 'eu-2', { location_name: 'Paris' })
  us1 = await registerProbe(t, admin, 'us-1', { location_name: 'Virginia' })
  const m = await t.app.inject({
    method: 'POST',
    url: '/api/v1/monitors',
    headers: alice.auth,
    payload: { name: 'shop', url: 'https://shop.example.test:8443/health?x=1', interval_seconds: 30 },
  })
  if (m.statusCode !== 201) throw new Error(m.body)
  monitorId = m.json().id
})
afterAll(() => t.close())

const get = (url: string, user = alice) => t.app.inject({ url: `/api/v1${url}`, headers: user.auth })
const diagnostics = async (user = alice) =>
  (await get(`/incidents/${incidentId}/diagnostics`, user)).json() as IncidentDiagnosticsDto
const poll = async (p: Probe) =>
  (await t.app.inject({ url: '/api/v1/probes/commands?wait=0', headers: { 'x-probe-api-key': p.api_key } })).json()
    .commands as { type: string; request_id?: string; [k: string]: unknown }[]
const upload = (p: Probe, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/diagnostics',
    headers: { 'x-probe-api-key': p.api_key },
    payload: payload as object,
  })
async function login(u: TestUser) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: u.username, password: u.password },
  })
  u.auth = { authorization: `Bearer ${res.json().access_token}` }
}
const openIncidents = async () =>
  ((await get('/incidents?resolved=false')).json() as { id: string; monitor_id: string; scope: string }[]).filter(
    (i) => i.monitor_id === monitorId,
  )
const requestOf = async (p: Probe) => (await diagnostics()).probes.find((x) => x.probe_id === p.id)

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read()
    if (ok(v)) return v
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('condition not reached')
}

async function round(keys: Probe[], status: 'up' | 'down') {
  for (let i = 0; i < 2; i++) {
    for (const p of keys) await uploadResults(t, p.api_key, [{ monitor_id: monitorId, status }])
    t.clock.advance(1000)
  }
}

const ping = (over: Partial<DiagnosticResult> = {}): DiagnosticResult =>
  ({
    kind: 'ping',
    payload: {
      address: '203.0.113.7',
      transmitted: 5,
      received: 0,
      loss_pct: 100,
      rtt_min_ms: null,
      rtt_avg_ms: null,
      rtt_max_ms: null,
    },
    raw: '5 packets transmitted, 0 received, 100% packet loss, time 4004ms',
    error: null,
    duration_ms: 4100,
    collected_at: t.clock.now(),
    ...over,
  }) as DiagnosticResult
const traceroute: () => DiagnosticResult = () => ({
  kind: 'traceroute',
  payload: null,
  raw: null,
  error: 'binary_missing:traceroute',
  duration_ms: 1,
  collected_at: t.clock.now(),
})

describe('diagnostics at incident open', () => {
  it('asks only the affected probes, and the request reaches them over the long-poll', async () => {
    await round([eu1, eu2, us1], 'up')
    // Drain what the monitor's creation queued (config_changed) so the next polls show only news.
    for (const p of [eu1, eu2, us1]) await poll(p)
    await round([eu1, eu2], 'down')
    const [incident] = await openIncidents()
    expect(incident?.scope).toBe('regional')
    incidentId = incident?.id ?? ''

    const d = await waitFor(diagnostics, (x) => x.probes.length === 2)
    expect(d.probes.map((p) => p.probe_name)).toEqual(['eu-1', 'eu-2'])
    for (const p of d.probes) {
      expect(p).toMatchObject({
        state: 'pending',
        kinds: ['traceroute', 'dns', 'ping', 'tls', 'http'],
        // The URL's credentials stay with the monitor.
        target: { host: 'shop.example.test', port: 8443, url: 'https://shop.example.test:8443/health?x=1' },
        completed_at: null,
        results: [],
      })
      expect(Date.parse(p.expires_at) - Date.parse(p.requested_at)).toBe(3_600_000)
    }

    const commands = await poll(eu1)
    const diagnose = commands.filter((c) => c.type === 'diagnose')
    expect(diagnose).toEqual([
      {
        type: 'diagnose',
        request_id: d.probes[0]?.request_id,
        monitor_id: monitorId,
        incident_id: incidentId,
        target: d.probes[0]?.target,
        kinds: ['traceroute', 'dns', 'ping', 'tls', 'http'],
      },
    ])
    expect((await poll(us1)).filter((c) => c.type === 'diagnose')).toEqual([])
  })

  it('asks a probe the scope adds, once; the probes already asked are not asked again', async () => {
    await round([us1], 'down')
    const [incident] = await openIncidents()
    expect(incident).toMatchObject({ id: incidentId, scope: 'global' })
    const d = await waitFor(diagnostics, (x) => x.probes.length === 3)
    expect(d.probes.map((p) => p.probe_name)).toEqual(['eu-1', 'eu-2', 'us-1'])
    expect((await poll(us1)).filter((c) => c.type === 'diagnose').map((c) => c.request_id)).toEqual([
      d.probes[2]?.request_id,
    ])
    expect((await poll(eu1)).filter((c) => c.type === 'diagnose')).toEqual([])
  })

  it('stores an upload once: a retry is a duplicate and changes nothing', async () => {
    const request = await requestOf(eu1)
    const body = { request_id: request?.request_id, results: [ping(), traceroute()] }
    const first = await upload(eu1, body)
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual({ accepted: 2, duplicate: false })
    const again = await upload(eu1, { ...body, results: [ping({ error: 'timeout', payload: null })] })
    expect(again.json()).toEqual({ accepted: 0, duplicate: true })

    const stored = await requestOf(eu1)
    expect(stored?.state).toBe('complete')
    expect(stored?.completed_at).not.toBeNull()
    expect(stored?.results.map((r) => [r.kind, r.error])).toEqual([
      ['ping', null],
      ['traceroute', 'binary_missing:traceroute'],
    ])
    expect(stored?.results[0]?.payload).toMatchObject({ loss_pct: 100, transmitted: 5 })
    expect(recorded).toEqual([{ incidentId, monitorId, ownerId: alice.id, probeId: eu1.id, at: expect.any(Number) }])
  })

  it('refuses bad uploads with stable codes and stores nothing', async () => {
    const eu2Request = (await requestOf(eu2))?.request_id
    const cases: [Probe, unknown, number, string][] = [
      [eu2, { request_id: eu2Request, results: [{ ...ping(), kind: 'whois' }] }, 400, 'VALIDATION_FAILED'],
      [eu2, { request_id: eu2Request, results: [ping(), ping()] }, 400, 'VALIDATION_FAILED'],
      [eu2, { request_id: eu2Request, results: [] }, 400, 'VALIDATION_FAILED'],
      [eu2, { request_id: eu2Request, results: [ping({ raw: 'x'.repeat(9000) })] }, 400, 'VALIDATION_FAILED'],
      [eu2, { request_id: eu2Request, results: [ping()], extra: 1 }, 400, 'VALIDATION_FAILED'],
      [
        eu2,
        {
          request_id: eu2Request,
          results: Array.from({ length: 5 }, () => ping({ raw: 'y'.repeat(8000) })),
          pad: 'z'.repeat(300_000),
        },
        413,
        'BODY_TOO_LARGE',
      ],
      // Another probe's request looks like no request at all.
      [eu1, { request_id: eu2Request, results: [ping()] }, 404, 'NOT_FOUND'],
      [eu2, { request_id: 'nope', results: [ping()] }, 404, 'NOT_FOUND'],
    ]
    for (const [probe, body, status, code] of cases) {
      const res = await upload(probe, body)
      expect([res.statusCode, res.json().code]).toEqual([status, code])
    }
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/diagnostics',
      headers: { 'x-probe-api-key': 'wiu_unknown' },
      payload: { request_id: eu2Request, results: [ping()] },
    })
    expect(bad.statusCode).toBe(401)
    expect(await requestOf(eu2)).toMatchObject({ state: 'pending', results: [] })
  })

  it('pushes a pending request again at the next heartbeat once the push may have been lost', async () => {
    // eu2 never polled since the incident opened: the push is still queued, then dropped by the hub.
    await poll(eu2)
    const heartbeat = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/probes/heartbeat',
        headers: { 'x-probe-api-key': eu2.api_key },
        payload: {},
      })
    await heartbeat()
    await new Promise((r) => setTimeout(r, 20))
    expect((await poll(eu2)).filter((c) => c.type === 'diagnose')).toEqual([])

    t.clock.advance(RESEND_AFTER_MS)
    await heartbeat()
    const again = await waitFor(
      async () => (await poll(eu2)).filter((c) => c.type === 'diagnose'),
      (c) => c.length > 0,
    )
    expect(again.map((c) => c.request_id)).toEqual([(await requestOf(eu2))?.request_id])
  })

  it('expires unanswered requests after an hour; a late upload is refused', async () => {
    t.clock.advance(3_600_000)
    // An hour later the access tokens have expired too.
    for (const u of [admin, alice, bob]) await login(u)
    const d = await diagnostics()
    expect(d.probes.map((p) => [p.probe_name, p.state])).toEqual([
      ['eu-1', 'complete'],
      ['eu-2', 'expired'],
      ['us-1', 'expired'],
    ])
    const late = await upload(eu2, { request_id: (await requestOf(eu2))?.request_id, results: [ping()] })
    expect([late.statusCode, late.json().code]).toEqual([409, 'CONFLICT'])
    // The minute sweep stores it too, and an expired request is never pushed again.
    await new Promise((r) => setTimeout(r, 50))
    t.clock.advance(60_000)
    const expired = await waitFor(
      async () =>
        (
          await t.deps.database.db
            .selectFrom('diagnostic_requests')
            .select('probe_id')
            .where('incident_id', '=', incidentId)
            .where('state', '=', 'expired')
            .execute()
        )
          .map((r) => r.probe_id)
          .sort(),
      (ids) => ids.length === 2,
    )
    expect(expired).toEqual([eu2.id, us1.id].sort())
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/heartbeat',
      headers: { 'x-probe-api-key': us1.api_key },
      payload: {},
    })
    expect((await poll(us1)).filter((c) => c.type === 'diagnose')).toEqual([])
  })

  it('documents both endpoints in the OpenAPI spec', async () => {
    const spec = (await t.app.inject({ url: '/api/openapi.json' })).json()
    expect(spec.paths['/api/v1/probes/diagnostics'].post.requestBody).toBeDefined()
    expect(spec.paths['/api/v1/incidents/{id}/diagnostics'].get.responses['200']).toBeDefined()
  })

  it('shows diagnostics only to users who may see the incident', async () => {
    expect((await get(`/incidents/${incidentId}/diagnostics`, admin)).json().probes).toHaveLength(3)
    const other = await get(`/incidents/${incidentId}/diagnostics`, bob)
    expect([other.statusCode, other.json().code]).toEqual([404, 'NOT_FOUND'])
    const anonymous = await t.app.inject({ url: `/api/v1/incidents/${incidentId}/diagnostics` })
    expect(anonymous.statusCode).toBe(401)
  })
})
