import { FakeClock } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import {
  type AlertInput,
  type Decision,
  decideNotifications,
  emptyRuleState,
  type RuleState,
  type Sample,
} from '../src/modules/alerting/decide.js'
import { baselineAt, type HourSums, MinuteLedger } from '../src/modules/alerting/history.js'
import { DEFAULT_PARAMS, type RuleSpec } from '../src/modules/alerting/types.js'

/**
 * The history-aware conditions (baseline, anomaly, SLO burn) with a fake clock: tables of cases
 * for the pure parts, and the decision function driven sample by sample as the engine drives it.
 */
const HOUR = 3_600_000
const MIN = 60_000
const T0 = Date.UTC(2026, 2, 10, 14, 20) // a Tuesday, 14:20 UTC

/** Hour sums with `count` samples of mean `mean` and population stddev `sd`. */
const hourOf = (at: number, count: number, mean: number, sd = 0): HourSums => ({
  at,
  count,
  sum: count * mean,
  sumSq: count * (sd * sd + mean * mean),
})

describe('baselineAt: the same hour and the same ±3 h of day over the 7 days before', () => {
  const start = Math.floor(T0 / HOUR) * HOUR // 14:00 today
  const cases: { name: string; hours: HourSums[]; hour: number; around: number }[] = [
    { name: 'same hour yesterday counts in both', hours: [hourOf(start - 24 * HOUR, 10, 100)], hour: 10, around: 10 },
    { name: '3 h earlier counts only around', hours: [hourOf(start - 27 * HOUR, 10, 100)], hour: 0, around: 10 },
    { name: '4 h away counts nowhere', hours: [hourOf(start - 28 * HOUR, 10, 100)], hour: 0, around: 0 },
    { name: 'the running hour is left out', hours: [hourOf(start, 10, 100)], hour: 0, around: 0 },
    { name: 'the last hour before counts around', hours: [hourOf(start - HOUR, 10, 100)], hour: 0, around: 10 },
    { name: 'exactly 7 days ago counts', hours: [hourOf(start - 7 * 24 * HOUR, 10, 100)], hour: 10, around: 10 },
    { name: 'more than 7 days ago does not', hours: [hourOf(start - 8 * 24 * HOUR, 10, 100)], hour: 0, around: 0 },
  ]
  for (const c of cases)
    it(c.name, () => {
      const b = baselineAt(c.hours, T0)
      expect(b.hour.count).toBe(c.hour)
      expect(b.around.count).toBe(c.around)
    })

  it('wraps midnight: 23:00 is within 3 h of 01:30', () => {
    const at = Date.UTC(2026, 2, 10, 1, 30)
    const b = baselineAt([hourOf(Date.UTC(2026, 2, 8, 23), 12, 100)], at)
    expect(b.around.count).toBe(12)
    expect(b.hour.count).toBe(0)
  })
})

describe('MinuteLedger: burn rates over whole minutes with the analytics SLO math', () => {
  it('counts a minute up when any sample in it reached the monitor, and leaves the running minute out', () => {
    const l = new MinuteLedger()
    const base = Math.floor(T0 / HOUR) * HOUR
    // 60 minutes: the last 6 down, plus one minute with a down then an up sample (up).
    for (let m = 0; m < 60; m++) l.record(base + m * MIN, m >= 54 ? 'down' : 'up')
    l.record(base + 30 * MIN + 1000, 'down')
    l.record(base + 60 * MIN + 5000, 'down') // the running minute at the query time below
    const r = l.burnRates(base + 60 * MIN + 30_000, 99)
    // 1 h: 6 down of 60 → 10 % error / 1 % allowed = 10×; 5 min: 5 of 5 → 100×.
    expect(r['1h']).toBeCloseTo(10, 6)
    expect(r['5m']).toBeCloseTo(100, 6)
    expect(r['30m']).toBeCloseTo((6 / 30) * 100, 6)
    expect(r['6h']).toBeCloseTo(10, 6)
  })

  it('no data, no burn', () => {
    expect(new MinuteLedger().burnRates(T0, 99.9)).toEqual({ '5m': 0, '30m': 0, '1h': 0, '6h': 0 })
  })
})

const rule = (p: Partial<RuleSpec>): RuleSpec => ({ ...DEFAULT_PARAMS, id: 'r1', condition: 'anomaly', ...p })

const sample = (at: number, s: Partial<Sample>): AlertInput => ({
  type: 'sample',
  at,
  monitorId: 'm1',
  sample: { status: 'up', latencyMs: 100, sslDays: null, domainDays: null, ...s },
  silenced: false,
})

/** Feeds one sample a minute from the fake clock, ticking at wake-ups, as the engine does. */
function drive(r: RuleSpec, samples: Partial<Sample>[]) {
  const clock = new FakeClock(T0)
  let state: RuleState = emptyRuleState()
  let wake: number | null = null
  const log: Decision['outcomes'] = []
  const step = (i: AlertInput) => {
    const d = decideNotifications(r, i, state)
    state = d.state
    wake = d.wakeAt
    log.push(...d.outcomes)
  }
  for (const s of samples) {
    while (wake !== null && wake <= clock.now()) step({ type: 'tick', at: wake, facts: {} })
    step(sample(clock.now(), s))
    clock.advance(MIN)
  }
  return log.map((o) => ({
    min: (o.at - T0) / MIN,
    message: o.message,
    decision: o.decision,
    reason: o.reason,
    value: o.value,
  }))
}

const usual = { hour: hourOf(0, 42, 100, 10), around: hourOf(0, 294, 100, 10) }

describe('response_time_above_baseline: factor × the same-hour baseline, sustained, only while up', () => {
  const r = rule({ condition: 'response_time_above_baseline', threshold: 2, min_duration_seconds: 120 })
  const cases: { name: string; samples: Partial<Sample>[]; sent: { min: number; message: string }[] }[] = [
    {
      name: 'slow for 4 minutes: sent once it has held 2 minutes, resolved when it clears',
      samples: [
        { baseline: usual },
        ...Array(4).fill({ latencyMs: 250, baseline: usual }),
        { latencyMs: 120, baseline: usual },
      ],
      sent: [
        { min: 3, message: 'opened' },
        { min: 5, message: 'resolved' },
      ],
    },
    {
      name: 'a 1-minute blip never sends',
      samples: [{ latencyMs: 250, baseline: usual }, { baseline: usual }, { baseline: usual }],
      sent: [],
    },
    {
      name: 'exactly 2× is not above it',
      samples: Array(5).fill({ latencyMs: 200, baseline: usual }),
      sent: [],
    },
    {
      name: 'down says nothing either way (any_down’s business)',
      samples: [
        ...Array(2).fill({ latencyMs: 250, baseline: usual }),
        { status: 'down', latencyMs: 250, baseline: usual },
        { latencyMs: 250, baseline: usual },
      ],
      sent: [{ min: 2, message: 'opened' }],
    },
    {
      name: 'fewer than 10 samples in that hour: no verdict',
      samples: Array(5).fill({ latencyMs: 900, baseline: { hour: hourOf(0, 9, 100), around: usual.around } }),
      sent: [],
    },
    { name: 'no history at all: no verdict', samples: Array(5).fill({ latencyMs: 900 }), sent: [] },
  ]
  for (const c of cases)
    it(c.name, () => {
      const sent = drive(r, c.samples)
        .filter((o) => o.decision === 'send')
        .map(({ min, message }) => ({ min, message }))
      expect(sent).toEqual(c.sent)
    })

  it('re-notifies while the slowness lasts (a sampled episode re-checks itself)', () => {
    const slow = Array(12).fill({ latencyMs: 250, baseline: usual })
    const sent = drive({ ...r, min_duration_seconds: 0, renotify_minutes: 5 }, [...slow, { baseline: usual }])
      .filter((o) => o.decision === 'send')
      .map(({ min, message }) => ({ min, message }))
    expect(sent).toEqual([
      { min: 0, message: 'opened' },
      { min: 5, message: 'renotify' },
      { min: 10, message: 'renotify' },
      { min: 12, message: 'resolved' },
    ])
  })

  it('carries actual, threshold and baseline', () => {
    const [o] = drive({ ...r, min_duration_seconds: 0 }, [{ latencyMs: 260.4, baseline: usual }])
    expect(o?.value).toEqual({ actual: 260, expected: 200, unit: 'ms', baseline_ms: 100 })
  })
})

describe('anomaly: z-score against the same ±3 h of day over 7 days', () => {
  const cases: { latency: number; threshold: number | null; fires: boolean; z: number }[] = [
    { latency: 140, threshold: null, fires: true, z: 4 }, // default threshold 3
    { latency: 130, threshold: null, fires: false, z: 3 }, // z must exceed it
    { latency: 125, threshold: 2, fires: true, z: 2.5 },
    { latency: 60, threshold: 2, fires: false, z: -4 }, // faster than usual is not an anomaly
  ]
  for (const c of cases)
    it(`latency ${c.latency} ms, threshold ${c.threshold ?? 'default'} → ${c.fires ? 'fires' : 'quiet'}`, () => {
      const out = drive(rule({ threshold: c.threshold }), [{ latencyMs: c.latency, baseline: usual }])
      expect(out.filter((o) => o.decision === 'send')).toHaveLength(c.fires ? 1 : 0)
      if (c.fires)
        expect(out[0]?.value).toEqual({
          actual: c.z,
          expected: c.threshold ?? 3,
          unit: 'z',
          baseline_ms: 100,
          latency_ms: c.latency,
        })
    })

  it('no spread (every sample equal): z is 0, never an anomaly', () => {
    const flat = { hour: hourOf(0, 42, 100), around: hourOf(0, 294, 100) }
    expect(drive(rule({}), [{ latencyMs: 5000, baseline: flat }])).toEqual([])
  })
})

describe('SLO burn: both windows must burn (multi-window, multi-burn-rate)', () => {
  const rates = (r: Partial<Record<'5m' | '30m' | '1h' | '6h', number>>) => ({
    burn: { target: 99.9, rates: { '5m': 0, '30m': 0, '1h': 0, '6h': 0, ...r } },
  })
  const cases: {
    name: string
    condition: 'slo_burn_fast' | 'slo_burn_slow'
    threshold?: number
    samples: Partial<Sample>[]
    sent: string[]
  }[] = [
    {
      name: 'fast: 1 h and 5 min both ≥ 14.4 → page; the 5 min window recovering resolves it',
      condition: 'slo_burn_fast',
      samples: [rates({ '1h': 20, '5m': 30 }), rates({ '1h': 18, '5m': 2 })],
      sent: ['opened', 'resolved'],
    },
    {
      name: 'fast: a burning hour that already stopped (5 min calm) does not page',
      condition: 'slo_burn_fast',
      samples: [rates({ '1h': 20, '5m': 1 })],
      sent: [],
    },
    {
      name: 'fast: a 5-minute spike alone does not page',
      condition: 'slo_burn_fast',
      samples: [rates({ '1h': 3, '5m': 100 })],
      sent: [],
    },
    {
      name: 'slow: 6 h and 30 min both ≥ 6',
      condition: 'slo_burn_slow',
      samples: [rates({ '6h': 6, '30m': 7 })],
      sent: ['opened'],
    },
    {
      name: 'slow with a custom threshold of 10',
      condition: 'slo_burn_slow',
      threshold: 10,
      samples: [rates({ '6h': 8, '30m': 12 })],
      sent: [],
    },
    {
      name: 'a monitor without SLO says nothing',
      condition: 'slo_burn_fast',
      samples: [{}, {}],
      sent: [],
    },
  ]
  for (const c of cases)
    it(c.name, () => {
      const out = drive(rule({ condition: c.condition, threshold: c.threshold ?? null }), c.samples)
      expect(out.filter((o) => o.decision === 'send').map((o) => o.message)).toEqual(c.sent)
    })

  it('reports the lower of the two rates against the threshold', () => {
    const [o] = drive(rule({ condition: 'slo_burn_fast' }), [rates({ '1h': 16.123, '5m': 40 })])
    expect(o?.value).toEqual({ actual: 16.12, expected: 14.4, unit: 'burn' })
  })
})
