import { describe, expect, it } from 'vitest'
import { anomaly, trend } from '../src/modules/analytics/performance.js'
import { render } from '../src/modules/analytics/prometheus.js'
import { csvField, escapeHtml } from '../src/modules/analytics/report.js'
import { burnAlerts, burnRate, computeSlo, worstBurnRate } from '../src/modules/analytics/slo.js'
import { consensusUptime } from '../src/modules/analytics/stats.js'

const counts = (up: number, down: number, degraded = 0, maint = 0) => ({ up, degraded, down, maint })
const none = counts(0, 0)

describe('consensus uptime', () => {
  it.each([
    {
      name: 'no data at all → 100, no headline',
      internal: none,
      external: none,
      pct: 100,
      ip: null,
      ep: null,
      view: null,
    },
    { name: 'external only', internal: none, external: counts(99, 1), pct: 99, ip: null, ep: 99, view: 'external' },
    {
      name: 'internal down, external up → the worse',
      internal: counts(0, 60),
      external: counts(60, 0),
      pct: 0,
      ip: 0,
      ep: 100,
      view: 'internal',
    },
    {
      name: 'degraded minutes are available',
      internal: none,
      external: counts(50, 0, 50),
      pct: 100,
      ip: null,
      ep: 100,
      view: 'external',
    },
    {
      name: 'maintenance minutes are excluded',
      internal: none,
      external: counts(90, 10, 0, 1000),
      pct: 90,
      ip: null,
      ep: 90,
      view: 'external',
    },
    {
      name: 'only maintenance → no data',
      internal: none,
      external: counts(0, 0, 0, 60),
      pct: 100,
      ip: null,
      ep: null,
      view: null,
    },
  ] as const)('$name', ({ internal, external, pct, ip, ep, view }) => {
    const u = consensusUptime({ internal, external })
    expect(u.uptime_percent).toBe(pct)
    expect(u.internal_uptime_percent).toBe(ip)
    expect(u.external_uptime_percent).toBe(ep)
    expect(u.headline_view).toBe(view)
  })
})

describe('SLO and burn rates', () => {
  it.each([
    // 99.9 % allows 0.1 % errors: 1 bad minute in 1000 burns at 1×, 14.4 in 1000 at 14.4×.
    { c: counts(999, 1), target: 99.9, rate: 1 },
    { c: counts(9856, 144), target: 99.9, rate: 14.4 },
    { c: counts(1000, 0), target: 99.9, rate: 0 },
    { c: counts(0, 0), target: 99.9, rate: 0 },
    { c: counts(95, 5), target: 99, rate: 5 },
    { c: counts(0, 10), target: 50, rate: 2 },
    { c: counts(90, 10, 0, 500), target: 90, rate: 1 },
  ])('burn rate of $c.down bad in $c.up up at $target % → $rate', ({ c, target, rate }) => {
    expect(burnRate(c, target)).toBeCloseTo(rate, 9)
  })

  it('takes the worse view', () => {
    expect(worstBurnRate([counts(100, 0), counts(90, 10)], 99)).toBeCloseTo(10)
    expect(worstBurnRate([], 99)).toBe(0)
  })

  const rates = (r: Partial<Record<'5m' | '30m' | '1h' | '6h' | '24h' | '3d', number>>) => ({
    '5m': 0,
    '30m': 0,
    '1h': 0,
    '6h': 0,
    '24h': 0,
    '3d': 0,
    ...r,
  })
  it.each([
    { name: 'quiet', r: rates({}), fast: false, slow: false },
    { name: 'fast burn: 1 h and 5 min both ≥ 14.4', r: rates({ '1h': 15, '5m': 20 }), fast: true, slow: false },
    { name: 'fast burn already over (5 min quiet)', r: rates({ '1h': 15, '5m': 0 }), fast: false, slow: false },
    { name: 'a blip: 5 min hot, 1 h not', r: rates({ '1h': 3, '5m': 100 }), fast: false, slow: false },
    { name: 'slow burn: 6 h and 30 min ≥ 6', r: rates({ '6h': 6, '30m': 7 }), fast: false, slow: true },
    { name: 'both', r: rates({ '1h': 20, '5m': 20, '6h': 10, '30m': 10 }), fast: true, slow: true },
  ])('$name', ({ r, fast, slow }) => {
    expect(burnAlerts(r)).toEqual({ fast_burn: fast, slow_burn: slow })
  })

  it.each([
    { used: 0, status: 'healthy', remaining: 43.2 },
    { used: 21.6, status: 'healthy', remaining: 21.6 },
    { used: 25, status: 'at_risk', remaining: 18.2 },
    { used: 40, status: 'critical', remaining: 3.2 },
    { used: 43.2, status: 'exhausted', remaining: 0 },
    { used: 60, status: 'exhausted', remaining: -16.8 },
  ] as const)('99.9 % over 30 days, $used min down → $status, $remaining min left', ({ used, status, remaining }) => {
    const s = computeSlo({ target: 99.9, windowDays: 30, uptimePercent: 99.95, downMinutes: used, rates: rates({}) })
    expect(s.error_budget_total_minutes).toBe(43.2)
    expect(s.error_budget_used_minutes).toBe(used)
    expect(s.error_budget_remaining_minutes).toBeCloseTo(remaining, 2)
    expect(s.status).toBe(status)
  })
})

describe('anomaly and trend', () => {
  const sample = (values: number[]) => ({
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    sumSq: values.reduce((a, b) => a + b * b, 0),
  })
  it('needs 10 samples, uses the population standard deviation, flags only slower', () => {
    expect(anomaly(500, sample([100, 100, 100]), 3).z_score).toBeNull()
    const ten = [90, 110, 90, 110, 90, 110, 90, 110, 90, 110] // mean 100, σ 10
    expect(anomaly(135, sample(ten), 3)).toMatchObject({ mean_ms: 100, stddev_ms: 10, z_score: 3.5, is_anomaly: true })
    expect(anomaly(65, sample(ten), 3)).toMatchObject({ z_score: -3.5, is_anomaly: false })
    expect(anomaly(100, sample(Array(12).fill(50)), 3)).toMatchObject({ z_score: 0, is_anomaly: false })
    expect(anomaly(null, sample(ten), 3).is_anomaly).toBe(false)
  })
  it.each([
    { cur: { n: 10, mean: 120 }, prev: { n: 10, mean: 100 }, change: 20, dir: 'up', sig: true },
    { cur: { n: 10, mean: 95 }, prev: { n: 10, mean: 100 }, change: -5, dir: 'flat', sig: false },
    { cur: { n: 2, mean: 200 }, prev: { n: 10, mean: 100 }, change: 100, dir: 'up', sig: false },
    { cur: { n: 10, mean: 50 }, prev: { n: 10, mean: 100 }, change: -50, dir: 'down', sig: true },
    { cur: { n: 0, mean: null }, prev: { n: 10, mean: 100 }, change: null, dir: null, sig: false },
  ] as const)('trend $cur.mean vs $prev.mean', ({ cur, prev, change, dir, sig }) => {
    expect(trend(cur, prev)).toEqual({ change_percent: change, direction: dir, significant: sig })
  })
})

describe('exposition and report formats', () => {
  it('renders Prometheus text with escaped labels and skips empty families', () => {
    const text = render([
      { name: 'a', help: 'A gauge', type: 'gauge', samples: [{ labels: { n: 'x"y\\z\nw' }, value: 1.5 }] },
      { name: 'b', help: 'empty', type: 'counter', samples: [] },
      { name: 'c', help: 'nan', type: 'gauge', samples: [{ value: Number.NaN }] },
    ])
    expect(text).toBe(
      '# HELP a A gauge\n# TYPE a gauge\na{n="x\\"y\\\\z\\nw"} 1.5\n# HELP c nan\n# TYPE c gauge\nc NaN\n',
    )
  })
  it('quotes CSV fields and defuses spreadsheet formulas; escapes HTML', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvField(-3)).toBe('-3')
    expect(csvField(null)).toBe('')
    expect(escapeHtml(`<b a="1">&'`)).toBe('&lt;b a=&quot;1&quot;&gt;&amp;&#39;')
  })
})
