import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../src/core/ids.js'
import type { IngestItem } from '../src/storage/repositories/results.repository.js'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../src/storage/timeseries/buckets.js'
import {
  createTestContext,
  dialectUnderTest,
  HTTP_MONITOR,
  registerProbe,
  type TestContext,
  type TestUser,
} from './helpers.js'

/**
 * The analytics API on a crafted history (10 hours, three probes) whose answers are known:
 * minutes 0–599 of the window; external probe E1 down in minutes 100–159, external probe E2 down
 * all the time (a broken probe: the consensus ignores it), internal probe I1 down in minutes
 * 300–329; everything in maintenance during minutes 400–459.
 *   external: 540 measured minutes, 60 down → 88.889 %   internal: 540 measured, 30 down → 94.444 %
 */
let t: TestContext
let admin: TestUser
let alice: TestUser
let mallory: TestUser
let monitorId: string
let now: number
let w0: number
const inc1 = newId()
const inc2 = newId()

const get = (url: string, user: TestUser = alice) => t.app.inject({ method: 'GET', url, headers: user.auth })
const iso = (ms: number) => new Date(ms).toISOString()

beforeAll(async () => {
  t = await createTestContext()
  t.clock.advance(3 * DAY_MS) // 2026-01-04T00:00Z; logins after, so tokens are fresh
  admin = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  mallory = await t.createUser({ username: 'mallory' })
  const e1 = await registerProbe(t, admin, 'e1', { network_type: 'external' })
  const e2 = await registerProbe(t, admin, 'e2', { network_type: 'external' })
  const i1 = await registerProbe(t, admin, 'i1', { network_type: 'internal' })
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/monitors',
    headers: alice.auth,
    payload: { ...HTTP_MONITOR, name: 'Shop <b>API</b>', interval_seconds: 60 },
  })
  monitorId = (res.json() as { id: string }).id

  now = t.clock.now()
  w0 = now - 600 * MINUTE_MS // 2026-01-03T14:00Z
  const items = (probe: 'e1' | 'e2' | 'i1'): IngestItem[] =>
    Array.from({ length: 600 }, (_, m) => {
      const down = probe === 'e2' || (probe === 'e1' && m >= 100 && m < 160) || (probe === 'i1' && m >= 300 && m < 330)
      return {
        monitorId,
        at: w0 + m * MINUTE_MS + 5_000,
        status: down ? 2 : 0,
        maintenance: m >= 400 && m < 460,
        latencyMs: probe === 'i1' ? 20 : 100 + (m % 10) * 10,
        httpStatus: down ? 503 : 200,
        timings: down ? null : { dns_ms: 1, connect_ms: 4, ttfb_ms: 15 },
        detail: down ? JSON.stringify({ failure: { phase: 'response', message: 'status 503' } }) : null,
      }
    })
  for (const [name, p, net] of [
    ['e1', e1, 'external'],
    ['e2', e2, 'external'],
    ['i1', i1, 'internal'],
  ] as const) {
    await t.deps.repos.results.ingest({
      probeId: p.id,
      networkType: net,
      batchId: `craft-${name}`,
      now,
      rawCutoff: -Infinity,
      items: items(name),
    })
  }
  const incident = (id: string, first: number, started: number) =>
    t.deps.repos.incidents.openIfNone({
      id,
      monitor_id: monitorId,
      cause: 'response: status 503',
      first_failure_at: w0 + first * MINUTE_MS,
      started_at: w0 + started * MINUTE_MS,
      affected_probe_ids: '[]',
      scope: 'global',
      suppressed: null,
      paged_at: null,
      group_id: null,
    } as never)
  await incident(inc1, 100, 102)
  await t.deps.repos.incidents.resolve(inc1, w0 + 160 * MINUTE_MS)
  await incident(inc2, 300, 301)
  await t.deps.repos.incidents.resolve(inc2, w0 + 330 * MINUTE_MS)
})
afterAll(() => t.close())

describe(`consensus uptime on a crafted history (${dialectUnderTest})`, () => {
  it('gives the worse view, ignores the broken probe and excludes maintenance', async () => {
    const res = await get(`/api/v1/monitors/${monitorId}/uptime?from=${iso(w0)}&to=${iso(now)}`)
    expect(res.statusCode).toBe(200)
    const u = res.json()
    expect(u).toMatchObject({
      precision: '1m',
      uptime_percent: 88.889,
      internal_uptime_percent: 94.444,
      external_uptime_percent: 88.889,
      headline_view: 'external',
      minutes: { measured: 540, up: 480, degraded: 0, down: 60, maint: 60 },
      downtime_minutes: 60,
      total_checks: 1800,
      down_checks: 600 + 60 + 30,
    })
    // Latency of up results: E1 100…190 ms, I1 20 ms.
    expect(u.latency.min_ms).toBe(20)
    expect(u.latency.max_ms).toBe(190)
    expect(u.p95_response_time_ms).toBeGreaterThanOrEqual(180 * 0.955)
    expect(u.p95_response_time_ms).toBeLessThanOrEqual(190)
  })

  it('answers the same over 90 days (day rows) and for the reference alias period_hours', async () => {
    for (const url of [`?hours=2160`, `?period_hours=48`]) {
      const u = (await get(`/api/v1/monitors/${monitorId}/uptime${url}`)).json()
      expect(u).toMatchObject({ uptime_percent: 88.889, internal_uptime_percent: 94.444 })
    }
  })

  it('history: one UTC day row', async () => {
    const rows = (await get(`/api/v1/monitors/${monitorId}/history?days=7`)).json()
    expect(rows).toEqual([
      expect.objectContaining({
        date: '2026-01-03',
        total: 540,
        up_count: 480,
        down_minutes: 60,
        maintenance_minutes: 60,
        uptime_percent: 88.89,
        internal_uptime_percent: 94.44,
        external_uptime_percent: 88.89,
        checks: 1800,
      }),
    ])
  })

  it('percentiles: one row per hour with the up results counted', async () => {
    const rows = (await get(`/api/v1/monitors/${monitorId}/percentiles?hours=24`)).json() as {
      hour: string
      p50: number
      p95: number
      count: number
    }[]
    expect(rows).toHaveLength(10)
    expect(rows[0]?.hour).toBe(iso(w0))
    expect(rows[0]?.count).toBe(120) // E1 and I1 up, E2 down
    expect(rows[2]?.count).toBe(20 + 60) // minutes 120–179: E1 up from 160, I1 up
    for (const r of rows) expect(r.p95).toBeGreaterThanOrEqual(r.p50)
  })

  it('series: minute points for a short window, hour points for a day, timing phases averaged', async () => {
    const minutes = (await get(`/api/v1/monitors/${monitorId}/series?hours=2`)).json()
    expect(minutes.step).toBe('1m')
    expect(minutes.points).toHaveLength(120)
    expect(minutes.points[0]).toMatchObject({ checks: 3, up: 2, down: 1, uptime_percent: 100 })
    expect(minutes.points[0].phases).toEqual({ dns: 1, connect: 4, tls: 0, ttfb: 15, transfer: 0 })
    const hours = (await get(`/api/v1/monitors/${monitorId}/series?hours=24`)).json()
    expect(hours.step).toBe('1h')
    expect(hours.points).toHaveLength(10)
    // p95 per point only when asked (a histogram merge per bucket).
    expect(hours.points[0].p95_ms).toBeNull()
    const withP95 = (await get(`/api/v1/monitors/${monitorId}/series?hours=24&percentiles=true`)).json()
    expect(withP95.points[0].p95_ms).toBeGreaterThanOrEqual(100)
    expect(withP95.points[0].p95_ms).toBeLessThanOrEqual(190)
    expect(hours.points[1]).toMatchObject({ checks: 180, down: 60 + 20 }) // minutes 60–119: E2, E1 from 100
    const probe = (await get(`/api/v1/monitors/${monitorId}/series?hours=24&probe_id=nope`)).json()
    expect(probe.points).toEqual([])
  })
})

describe('SLA report', () => {
  const url = (format: string) => `/api/v1/monitors/${monitorId}/report?from=${iso(w0)}&to=${iso(now)}&format=${format}`

  it('JSON: uptime, downtime, incidents with MTTR and MTTD, latency', async () => {
    const r = (await get(url('json'))).json()
    expect(r).toMatchObject({
      monitor_name: 'Shop <b>API</b>',
      uptime_percent: 88.8889,
      downtime_minutes: 60,
      maintenance_minutes: 60,
      incident_count: 2,
      total_downtime_seconds: (58 + 29) * 60,
      mttr_seconds: ((58 + 29) * 60) / 2,
      mttd_seconds: (120 + 60) / 2,
      min_response_time_ms: 20,
      max_response_time_ms: 190,
      slo: null,
    })
    expect(r.incidents.map((i: { id: string }) => i.id)).toEqual([inc1, inc2])
    expect(r.incidents[0]).toMatchObject({ duration_seconds: 58 * 60, detection_seconds: 120 })
  })

  it('CSV: a summary row and one row per incident', async () => {
    const res = await get(url('csv'))
    expect(res.headers['content-type']).toMatch(/^text\/csv/)
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="sla-.*\.csv"/)
    const lines = res.body.trim().split('\r\n')
    expect(lines[0]).toMatch(/^monitor_id,monitor_name,from,to,uptime_percent,/)
    expect(lines[1]).toContain(',Shop <b>API</b>,')
    expect(lines[1]).toContain(',88.8889,')
    expect(lines[3]).toBe('incident_id,started_at,resolved_at,duration_seconds,detection_seconds,cause')
    expect(lines.slice(4)).toHaveLength(2)
    expect(lines[4]).toContain(`${inc1},${iso(w0 + 102 * MINUTE_MS)},${iso(w0 + 160 * MINUTE_MS)},3480,120,`)
  })

  it('HTML: printable, escaped, no scripts', async () => {
    const res = await get(url('html'))
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('Shop &lt;b&gt;API&lt;/b&gt;')
    expect(res.body).not.toContain('<b>API')
    expect(res.body).not.toMatch(/<script/i)
    expect(res.body).toContain('88.8889 %')
    expect(res.body).toContain('58 min 0 s')
  })

  it('rejects an inverted range', async () => {
    const res = await get(`/api/v1/monitors/${monitorId}/report?from=${iso(now)}&to=${iso(w0)}`)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
  })
})

describe('SLO', () => {
  it('404 until set; budget, burn rates and status once set; 404 after delete', async () => {
    expect((await get(`/api/v1/monitors/${monitorId}/slo`)).statusCode).toBe(404)
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/monitors/${monitorId}/slo`,
      headers: alice.auth,
      payload: { target: 99, window_days: 1 },
    })
    expect(put.statusCode).toBe(200)
    const s = (await get(`/api/v1/monitors/${monitorId}/slo`)).json()
    expect(s).toMatchObject({
      slo_target: 99,
      window_days: 1,
      uptime_percent: 88.889,
      error_budget_total_minutes: 14.4,
      error_budget_used_minutes: 60,
      error_budget_remaining_minutes: -45.6,
      status: 'exhausted',
    })
    // The last hour (minutes 540–599) was clean; the last 24 h and 3 d saw 60 bad of 540 minutes.
    expect(s.burn_rates['1h']).toBe(0)
    expect(s.burn_rates['5m']).toBe(0)
    expect(s.burn_rates['24h']).toBeCloseTo(11.111, 2)
    expect(s.burn_rates['3d']).toBeCloseTo(11.111, 2)
    expect(s.alerts).toEqual({ fast_burn: false, slow_burn: false })
    // The report now says whether the SLO was met.
    const r = (await get(`/api/v1/monitors/${monitorId}/report?from=${iso(w0)}&to=${iso(now)}`)).json()
    expect(r.slo).toEqual({ target: 99, met: false })
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/monitors/${monitorId}/slo`,
      headers: alice.auth,
      payload: { target: 100 },
    })
    expect(bad.statusCode).toBe(400)
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/monitors/${monitorId}/slo`, headers: alice.auth })
    expect(del.statusCode).toBe(204)
    expect((await get(`/api/v1/monitors/${monitorId}/slo`)).statusCode).toBe(404)
  })
})

describe('performance', () => {
  it('baseline and trend from rollups; no anomaly verdict without a live latency', async () => {
    const b = (await get(`/api/v1/monitors/${monitorId}/baseline`)).json()
    expect(b.samples).toBe(540 + 570) // up results: E1 600 − 60, I1 600 − 30
    expect(b.by_hour).toHaveLength(24)
    const tr = (await get(`/api/v1/monitors/${monitorId}/trend`)).json()
    expect(tr.current_samples).toBeGreaterThan(0)
    expect(tr.previous_samples).toBeGreaterThan(0)
    const a = (await get(`/api/v1/monitors/${monitorId}/anomaly`)).json()
    expect(a).toMatchObject({ current_ms: null, is_anomaly: false, threshold: 3 })
  })
})

describe('annotations', () => {
  it('create, list newest first, delete; mallory sees nothing', async () => {
    const base = `/api/v1/monitors/${monitorId}/annotations`
    const a = await t.app.inject({
      method: 'POST',
      url: base,
      headers: alice.auth,
      payload: { content: 'deployed v2', annotated_at: iso(w0 + 100 * MINUTE_MS) },
    })
    expect(a.statusCode).toBe(201)
    await t.app.inject({ method: 'POST', url: base, headers: alice.auth, payload: { content: 'now' } })
    const list = (await get(base)).json() as { id: string; content: string }[]
    expect(list.map((x) => x.content)).toEqual(['now', 'deployed v2'])
    expect((await get(`${base}?to=${iso(w0 + 200 * MINUTE_MS)}`)).json()).toHaveLength(1)
    expect(
      (await t.app.inject({ method: 'DELETE', url: `${base}/${a.json().id}`, headers: mallory.auth })).statusCode,
    ).toBe(404)
    expect(
      (await t.app.inject({ method: 'DELETE', url: `${base}/${a.json().id}`, headers: alice.auth })).statusCode,
    ).toBe(204)
    expect(
      (await t.app.inject({ method: 'DELETE', url: `${base}/${a.json().id}`, headers: alice.auth })).statusCode,
    ).toBe(404)
  })
})

describe('custom metrics', () => {
  it('push, list newest first, summary and series from rollups', async () => {
    const push = (value: number, at: number, name = 'queue_depth') =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/metrics/${monitorId}`,
        headers: alice.auth,
        payload: { metric_name: name, value, unit: 'jobs', pushed_at: iso(at) },
      })
    for (const [i, v] of [3, 9, 6].entries()) expect((await push(v, now - (3 - i) * HOUR_MS)).statusCode).toBe(201)
    expect((await push(1, now - 10 * MINUTE_MS, 'workers')).statusCode).toBe(201)
    // The same point again (a retry) is stored once.
    expect((await push(6, now - HOUR_MS)).statusCode).toBe(201)
    expect((await push(1, now + DAY_MS)).statusCode).toBe(400)
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/metrics/${monitorId}`,
          headers: alice.auth,
          payload: { metric_name: 'bad name', value: 1 },
        })
      ).statusCode,
    ).toBe(400)
    const points = (await get(`/api/v1/metrics/${monitorId}?metric_name=queue_depth`)).json()
    expect(points.map((p: { value: number }) => p.value)).toEqual([6, 9, 3])
    const summary = (await get(`/api/v1/metrics/${monitorId}/summary`)).json()
    expect(summary).toEqual([
      expect.objectContaining({
        metric_name: 'queue_depth',
        unit: 'jobs',
        count: 3,
        min: 3,
        max: 9,
        avg: 6,
        last_value: 6,
      }),
      expect.objectContaining({ metric_name: 'workers', count: 1, last_value: 1 }),
    ])
    const series = (await get(`/api/v1/metrics/${monitorId}/series?metric_name=queue_depth&hours=24`)).json()
    expect(series.step).toBe('1h')
    expect(series.points.map((p: { avg: number }) => p.avg)).toEqual([3, 9, 6])
    expect((await get(`/api/v1/metrics/${monitorId}`, mallory)).statusCode).toBe(404)
  })
})

describe('authorization: every analytics route 404s for a monitor the caller cannot see', () => {
  const routes = (id: string): [string, string, object?][] => [
    ['GET', `/api/v1/monitors/${id}/uptime`],
    ['GET', `/api/v1/monitors/${id}/history`],
    ['GET', `/api/v1/monitors/${id}/percentiles`],
    ['GET', `/api/v1/monitors/${id}/series`],
    ['GET', `/api/v1/monitors/${id}/slo`],
    ['PUT', `/api/v1/monitors/${id}/slo`, { target: 99.9 }],
    ['DELETE', `/api/v1/monitors/${id}/slo`],
    ['GET', `/api/v1/monitors/${id}/report?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`],
    ['GET', `/api/v1/monitors/${id}/anomaly`],
    ['GET', `/api/v1/monitors/${id}/baseline`],
    ['GET', `/api/v1/monitors/${id}/trend`],
    ['GET', `/api/v1/monitors/${id}/annotations`],
    ['POST', `/api/v1/monitors/${id}/annotations`, { content: 'x' }],
    ['DELETE', `/api/v1/monitors/${id}/annotations/whatever`],
    ['POST', `/api/v1/metrics/${id}`, { metric_name: 'm', value: 1 }],
    ['GET', `/api/v1/metrics/${id}`],
    ['GET', `/api/v1/metrics/${id}/summary`],
    ['GET', `/api/v1/metrics/${id}/series?metric_name=m`],
  ]
  it('for another tenant and for an unknown id alike', async () => {
    for (const id of [monitorId, 'does-not-exist']) {
      for (const [method, url, payload] of routes(id)) {
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          headers: mallory.auth,
          ...(payload ? { payload } : {}),
        })
        expect(`${method} ${url} → ${res.statusCode}`).toBe(`${method} ${url} → 404`)
        expect(res.json().code).toBe('NOT_FOUND')
      }
    }
  })
  it('needs a login', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/monitors/${monitorId}/uptime` })
    expect(res.statusCode).toBe(401)
  })
  it('the superadmin sees every monitor', async () => {
    expect((await get(`/api/v1/monitors/${monitorId}/uptime`, admin)).statusCode).toBe(200)
  })
  it('list statistics only for visible monitors', async () => {
    const mine = (await get(`/api/v1/analytics/monitors?ids=${monitorId},nope`)).json()
    expect(Object.keys(mine)).toEqual([monitorId])
    expect(mine[monitorId].sparkline).toHaveLength(24)
    expect(mine[monitorId].uptime_24h).toBeCloseTo(88.89, 2)
    expect((await get(`/api/v1/analytics/monitors?ids=${monitorId}`, mallory)).json()).toEqual({})
  })
})

describe('ingestion through the API flags maintenance and keeps details only when informative', () => {
  it('counts results inside a maintenance window as maintenance', async () => {
    const probe = await registerProbe(t, admin, 'maint-probe')
    const m = (
      await t.app.inject({ method: 'POST', url: '/api/v1/monitors', headers: alice.auth, payload: HTTP_MONITOR })
    ).json() as { id: string }
    const mw = await t.app.inject({
      method: 'POST',
      url: '/api/v1/maintenance',
      headers: alice.auth,
      payload: {
        name: 'upgrade',
        monitor_id: m.id,
        schedule: { kind: 'once', starts_at: iso(now - 30 * MINUTE_MS), ends_at: iso(now - 10 * MINUTE_MS) },
      },
    })
    expect(mw.statusCode).toBe(201)
    const tls = { valid_to: now + 30 * DAY_MS, days_remaining: 30, authorized: true, fingerprint256: 'AA' }
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/results',
      headers: { 'x-probe-api-key': probe.api_key },
      payload: {
        batch_id: 'maint-1',
        results: Array.from({ length: 40 }, (_, i) => ({
          monitor_id: m.id,
          checked_at: now - (40 - i) * MINUTE_MS,
          status: i === 5 ? 'down' : 'up',
          latency_ms: 12,
          tls,
          timings: { connect_ms: 2 },
          ...(i === 5 ? { failure: { phase: 'connect', message: 'ECONNREFUSED' } } : {}),
        })),
      },
    })
    expect(res.statusCode).toBe(202)
    const u = (await get(`/api/v1/monitors/${m.id}/uptime?hours=1`)).json()
    expect(u.minutes).toMatchObject({ maint: 20, down: 1, up: 19 })
    const results = (await get(`/api/v1/monitors/${m.id}/results?limit=100`)).json() as {
      status: string
      tls: unknown
      timings: unknown
      failure: unknown
    }[]
    expect(results).toHaveLength(40)
    // Timings on every result; TLS facts only on the first (a keyframe) and the failure.
    expect(results.every((r) => r.timings !== null)).toBe(true)
    expect(results.filter((r) => r.tls !== null)).toHaveLength(2)
    expect(results.find((r) => r.status === 'down')?.failure).toEqual({ phase: 'connect', message: 'ECONNREFUSED' })
  })
})

describe('maintenance by group and by tags flags only the monitors it covers', () => {
  it('a group window and a tag window count as maintenance for their monitors only', async () => {
    const probe = await registerProbe(t, admin, 'maint-probe-2')
    const post = async (url: string, payload: object) =>
      (await t.app.inject({ method: 'POST', url, headers: alice.auth, payload })).json() as { id: string }
    const group = await post('/api/v1/groups', { name: 'Maintained group' })
    const inGroup = await post('/api/v1/monitors', { ...HTTP_MONITOR, name: 'in group', group_id: group.id })
    const tagged = await post('/api/v1/monitors', { ...HTTP_MONITOR, name: 'tagged', tags: ['db:primary', 'env:prod'] })
    const partly = await post('/api/v1/monitors', { ...HTTP_MONITOR, name: 'partly tagged', tags: ['env:prod'] })
    const other = await post('/api/v1/monitors', { ...HTTP_MONITOR, name: 'untouched' })
    const once = { kind: 'once', starts_at: iso(now - 30 * MINUTE_MS), ends_at: iso(now - 10 * MINUTE_MS) }
    await post('/api/v1/maintenance', { name: 'group upgrade', group_id: group.id, schedule: once })
    await post('/api/v1/maintenance', { name: 'db upgrade', tags: ['db:primary', 'env:prod'], schedule: once })
    const ids = [inGroup.id, tagged.id, partly.id, other.id]
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/results',
      headers: { 'x-probe-api-key': probe.api_key },
      payload: {
        batch_id: 'maint-2',
        results: ids.flatMap((monitor_id) =>
          Array.from({ length: 40 }, (_, i) => ({
            monitor_id,
            checked_at: now - (40 - i) * MINUTE_MS,
            status: 'up',
            latency_ms: 12,
          })),
        ),
      },
    })
    expect(res.statusCode).toBe(202)
    const maint = async (id: string) => (await get(`/api/v1/monitors/${id}/uptime?hours=1`)).json().minutes.maint
    expect(await maint(inGroup.id)).toBe(20)
    expect(await maint(tagged.id)).toBe(20)
    expect(await maint(partly.id)).toBe(0)
    expect(await maint(other.id)).toBe(0)
  })
})

describe('Prometheus exposition and storage status', () => {
  it('without METRICS_TOKEN: process metrics only, no monitor names', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toContain('# TYPE process_cpu_seconds_total counter')
    expect(res.body).toContain('whatisup_results_ingested_total')
    expect(res.body).not.toContain('whatisup_monitor_up')
    expect(res.body).not.toContain('Shop')
  })

  it('with METRICS_TOKEN: bearer required, per-monitor and SLO gauges', async () => {
    const t2 = await createTestContext({ METRICS_TOKEN: 'scrape-token-0123456789' })
    try {
      const u = await t2.createUser()
      const m = (
        await t2.app.inject({ method: 'POST', url: '/api/v1/monitors', headers: u.auth, payload: HTTP_MONITOR })
      ).json() as { id: string }
      await t2.app.inject({
        method: 'PUT',
        url: `/api/v1/monitors/${m.id}/slo`,
        headers: u.auth,
        payload: { target: 99.5 },
      })
      expect((await t2.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
      expect(
        (
          await t2.app.inject({
            method: 'GET',
            url: '/metrics',
            headers: { authorization: 'Bearer wrong-token-000000000' },
          })
        ).statusCode,
      ).toBe(401)
      const res = await t2.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer scrape-token-0123456789' },
      })
      expect(res.statusCode).toBe(200)
      expect(res.body).toContain(
        `whatisup_monitor_status{monitor_id="${m.id}",monitor_name="Example",check_type="http",status="unknown"} 1`,
      )
      expect(res.body).toContain(`whatisup_monitor_slo_target_ratio{monitor_id="${m.id}",monitor_name="Example"} 0.995`)
      expect(res.body).toContain('whatisup_monitor_slo_burn_rate{')
    } finally {
      await t2.close()
    }
  })

  it('GET /api/v1/storage reports size, retention and no notice', async () => {
    const s = (await get('/api/v1/storage')).json()
    expect(s).toMatchObject({
      dialect: dialectUnderTest,
      budget_bytes: null,
      over_budget: false,
      notice: null,
      retention: {
        raw_days: 90,
        detail_days: 30,
        minute_rollups_hours: 48,
        hour_rollups_days: 90,
        day_rollups: 'forever',
      },
      coarse_rollups: {
        chart_days_built_through: null,
        week_built_through: null,
        four_week_built_through: null,
        periods_pending_rebuild: 0,
      },
    })
    expect(s.size_bytes).toBeGreaterThan(0)
  })
})
