import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, type LiveMonitor, liveMonitor } from './alerting.helpers.js'
import type { TestContext, TestUser } from './helpers.js'

/**
 * The impact preview replays stored history through the live decision function. This file runs a
 * few hours of a monitor's life through the live path (real ingestion, incidents, timers on the
 * fake clock, silences, acks), then asks the preview about the same matrix: the counts must be
 * exactly what the live path recorded as sends.
 */
let t: TestContext
let alice: TestUser
let monitorId: string
let channelId: string
let w: LiveMonitor

const DAY = 86_400_000

beforeAll(async () => {
  w = await liveMonitor('pv')
  ;({ t, alice, monitorId, channelId } = w)
})
afterAll(() => w.close())

type Check = { status?: 'up' | 'down' | 'degraded'; latency?: number; tlsDays?: number }
let shape: Required<Check> = { status: 'up', latency: 100, tlsDays: 80 }

/** One check a minute from the probe, as the agent would upload it, then the clock moves on. */
async function run(minutes: number, c: Check = {}) {
  shape = { ...shape, ...c }
  for (let i = 0; i < minutes; i++) {
    await w.minute({
      status: shape.status,
      latency_ms: shape.latency,
      http_status: shape.status === 'down' ? 503 : 200,
      tls: {
        valid_to: t.clock.now() + shape.tlsDays * DAY,
        days_remaining: shape.tlsDays,
        authorized: true,
        subject: 'shop.example.test',
      },
      ...(shape.status === 'down' ? { failure: { phase: 'response', message: 'HTTP 503' } } : {}),
    })
  }
}

const MATRIX = [
  { condition: 'any_down', min_duration_seconds: 180, renotify_minutes: 10 },
  { condition: 'all_down', renotify_minutes: 0 },
  { condition: 'degraded', min_duration_seconds: 90 },
  { condition: 'response_time_above', threshold: 500, min_duration_seconds: 120, renotify_minutes: 15 },
  { condition: 'ssl_expiry', threshold: 14 },
  { condition: 'flapping' },
]

describe('impact preview equals the live path on the same data', () => {
  it('counts per condition what the live path sent', { timeout: 180_000 }, async () => {
    const rows = MATRIX.map((r) => ({ ...r, channel_ids: [channelId] }))
    const put = await api(t).put(`/alerts/monitors/${monitorId}/matrix`, alice, { rows })
    expect(put.statusCode).toBe(200)

    await run(10)
    await run(5, { status: 'down' }) // paged after 3 min, resolved: no re-notify yet
    await run(10, { status: 'up' })
    await run(2, { status: 'down' }) // opens on the 2nd failed check, resolves 2 min later: under the min duration
    await run(10, { status: 'up' })
    await run(26, { status: 'down' }) // paged after 3 min, re-notified 10 and 20 min later
    await run(10, { status: 'up' })
    await run(6, { latency: 900 }) // slow for 6 min while up: sent after 2 min
    await run(3, { latency: 100 })
    await run(1, { latency: 900 }) // a blip: never sent
    await run(10, { latency: 100 })
    await run(4, { status: 'degraded' }) // degraded 4 min: sent after 90 s
    await run(10, { status: 'up' })
    await run(10, { tlsDays: 10 }) // certificate expiring while the site is up
    await run(5, { tlsDays: 90 }) // renewed
    // An outage acknowledged after its first page: no re-notification while acked.
    await run(2, { status: 'down' })
    const open = (await api(t).get(`/monitors/${monitorId}/incidents`, alice)).json()[0]
    expect((await api(t).post(`/incidents/${open.id}/ack`, alice)).statusCode).toBe(200)
    await run(25)
    await run(10, { status: 'up' })
    // An outage during a silence: nothing sent, even the re-notifications.
    expect(
      (await api(t).post('/silences', alice, { name: 'quiet', monitor_id: monitorId, duration_minutes: 15 }))
        .statusCode,
    ).toBe(201)
    await run(12, { status: 'down' })
    await run(10, { status: 'up' })
    // Flapping: state changes faster than the flap threshold allows.
    for (let i = 0; i < 4; i++) {
      await run(2, { status: 'down' })
      await run(2, { status: 'up' })
    }
    await run(15, { status: 'up' })

    const rules = (await api(t).get('/alerts/rules', alice)).json() as { id: string; condition: string }[]
    const live: Record<string, number> = {}
    for (const r of rules) {
      const sends = (await t.deps.repos.alertDeliveries.forRule(r.id)).filter((d) => d.decision === 'send')
      live[r.condition] = sends.length
    }
    const preview = await api(t).post(`/alerts/monitors/${monitorId}/matrix/preview`, alice, { rows })
    expect(preview.statusCode).toBe(200)
    const body = preview.json() as {
      window_days: number
      counts: { condition: string; count: number }[]
      total: number
    }
    const previewed = Object.fromEntries(body.counts.map((c) => [c.condition, c.count]))

    expect(previewed).toEqual(live)
    expect(body.window_days).toBe(30)
    expect(body.total).toBe(Object.values(live).reduce((a, b) => a + b, 0))
    // And the scenario exercised what it claims to (so equality is not 0 == 0).
    expect(live.any_down).toBe(8)
    const anyDown = rules.find((r) => r.condition === 'any_down')!
    const reasons = new Set((await t.deps.repos.alertDeliveries.forRule(anyDown.id)).map((d) => d.reason))
    expect([...reasons]).toEqual(
      expect.arrayContaining(['min_duration_pending', 'condition_cleared', 'acked', 'silenced', 'not_notified']),
    )
    expect(live.response_time_above).toBe(2)
    expect(live.degraded).toBe(2)
    expect(live.ssl_expiry).toBe(2)
    expect(live.all_down).toBeGreaterThanOrEqual(4)
    expect(live.flapping).toBeGreaterThanOrEqual(1)
  })

  it('a proposed matrix is previewed without saving it (≈ N / 30 d for other settings)', async () => {
    const loud = await api(t).post(`/alerts/monitors/${monitorId}/matrix/preview`, alice, {
      rows: [{ condition: 'any_down', min_duration_seconds: 0, renotify_minutes: 1 }],
    })
    const quiet = await api(t).post(`/alerts/monitors/${monitorId}/matrix/preview`, alice, {
      rows: [{ condition: 'any_down', min_duration_seconds: 3600 }],
    })
    expect(loud.json().counts[0].count).toBeGreaterThan(20)
    expect(quiet.json().counts[0].count).toBe(0)
    const rules = (await api(t).get('/alerts/rules', alice)).json()
    expect(rules).toHaveLength(MATRIX.length)
  })

  it('a condition the monitor kind does not offer is refused', async () => {
    const res = await api(t).post(`/alerts/monitors/${monitorId}/matrix/preview`, alice, {
      rows: [{ condition: 'domain_expiry' }],
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().details.issues[0].path).toBe('body.rows.0.condition')
  })
})
