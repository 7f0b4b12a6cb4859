import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, type LiveMonitor, liveMonitor } from './alerting.helpers.js'
import type { TestContext, TestUser } from './helpers.js'

/**
 * Baseline, anomaly and SLO burn conditions on real storage: 7 days of history seeded into the
 * store (rollups maintained by ingestion), then an hour of the monitor's life through the live path
 * (real ingestion, timers on the fake clock). The impact preview must count exactly what the live
 * path sent, and each condition must have sent something (so equality is not 0 == 0).
 */
let t: TestContext
let alice: TestUser
let probeId: string
let monitorId: string
let channelId: string
let w: LiveMonitor

const MIN = 60_000

beforeAll(async () => {
  w = await liveMonitor('h')
  ;({ t, alice, probeId, monitorId, channelId } = w)
})
afterAll(() => w.close())

/** 7 days of a healthy monitor, one result every 5 minutes: latency 90 or 110 ms (mean 100, sd 10). */
async function seedHistory() {
  const now = t.clock.now()
  const rows = []
  let i = 0
  for (let at = now - 7 * 24 * 60 * MIN; at < now - 6 * 60 * MIN; at += 5 * MIN)
    rows.push({
      monitor_id: monitorId,
      probe_id: probeId,
      checked_at: at,
      status: 0,
      latency_ms: i++ % 2 === 0 ? 90 : 110,
      http_status: 200,
      detail: null,
    })
  for (let i = 0; i < rows.length; i += 500)
    await t.deps.repos.results.insertBatch(probeId, `seed-${i}`, rows.slice(i, i + 500), now)
}

/** One check a minute from the probe, through the ingestion API, then the clock moves on. */
async function run(minutes: number, c: { status?: 'up' | 'down'; latency?: number }) {
  for (let i = 0; i < minutes; i++) {
    const status = c.status ?? 'up'
    await w.minute({
      status,
      // Alternating 90 / 110 ms by batch number: mean 100, sd 10, as the seeded week.
      latency_ms: c.latency ?? ((w.seq() + 1) % 2 ? 90 : 110),
      http_status: status === 'down' ? 503 : 200,
      ...(status === 'down' ? { failure: { phase: 'response', message: 'HTTP 503' } } : {}),
    })
  }
}

const MATRIX = [
  { condition: 'response_time_above_baseline', threshold: 2, min_duration_seconds: 120 },
  { condition: 'anomaly', threshold: 3, min_duration_seconds: 60 },
  { condition: 'slo_burn_fast' },
  { condition: 'slo_burn_slow', renotify_minutes: 20 },
]

describe('history-aware conditions: live path and impact preview agree', () => {
  it('baseline, anomaly and burn rates fire live, and the preview counts the same', { timeout: 180_000 }, async () => {
    await seedHistory()
    const slo = await api(t).put(`/monitors/${monitorId}/slo`, alice, { target: 99, window_days: 30 })
    expect(slo.statusCode).toBe(200)
    const rows = MATRIX.map((r) => ({ ...r, channel_ids: [channelId] }))
    expect((await api(t).put(`/alerts/monitors/${monitorId}/matrix`, alice, { rows })).statusCode).toBe(200)

    await run(8, {})
    await run(5, { latency: 400 }) // 4× the usual: baseline after 2 min, anomaly after 1
    await run(1, { latency: 130 }) // z = 3: not above the threshold
    await run(8, {})
    await run(12, { status: 'down' }) // burns the budget: fast and slow pages
    await run(20, {})

    const rules = (await api(t).get('/alerts/rules', alice)).json() as { id: string; condition: string }[]
    const live: Record<string, number> = {}
    for (const r of rules)
      live[r.condition] = (await t.deps.repos.alertDeliveries.forRule(r.id)).filter((d) => d.decision === 'send').length
    const preview = await api(t).post(`/alerts/monitors/${monitorId}/matrix/preview`, alice, { rows })
    expect(preview.statusCode).toBe(200)
    const previewed = Object.fromEntries(
      (preview.json().counts as { condition: string; count: number }[]).map((c) => [c.condition, c.count]),
    )
    expect(previewed).toEqual(live)
    // Opened and resolved; the slow burn (30 min window) still holds at the end and was re-notified.
    expect(live).toEqual({
      response_time_above_baseline: 2,
      anomaly: 2,
      slo_burn_fast: 2,
      slo_burn_slow: 2,
    })

    // The message model recorded with each send (what every channel renders) carries actual vs expected.
    const observed = async (condition: string) => {
      const rule = rules.find((r) => r.condition === condition)!
      const d = (await t.deps.repos.alertDeliveries.forRule(rule.id)).find((x) => x.event === 'opened')
      return (JSON.parse(d?.payload ?? '{}') as { observation?: unknown }).observation
    }
    expect(await observed('response_time_above_baseline')).toEqual({
      actual: 400,
      expected: 200,
      unit: 'ms',
      baseline_ms: 100,
    })
    expect(await observed('anomaly')).toMatchObject({
      unit: 'z',
      expected: 3,
      baseline_ms: 100,
      latency_ms: 400,
    })
    expect(await observed('slo_burn_fast')).toMatchObject({
      unit: 'burn',
      expected: 14.4,
    })
  })
})
