import { describe, expect, it } from 'vitest'
import {
  type CoarseAvailability,
  coarseBucketOf,
  cover,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  minuteOf,
  READ_TIER_MINUTES,
  type Segment,
  tierOrigin,
} from '../src/storage/timeseries/buckets.js'
import {
  packCode,
  packTimings,
  type StatusCode,
  timingTenths,
  unpackCode,
  unpackTimings,
} from '../src/storage/timeseries/codec.js'
import {
  addValue,
  bucketLower,
  bucketOf,
  bucketUpper,
  decodeInto,
  encode,
  mergeInto,
  newHistogram,
  percentile,
  total,
} from '../src/storage/timeseries/histogram.js'
import {
  accumulate,
  addPoint,
  categoryOf,
  consensusFromPoints,
  encodeHist,
  foldState,
  mergeAcc,
  newAcc,
  type RollupPoint,
  toRollupAcc,
} from '../src/storage/timeseries/rollup.js'
import { prng } from './prng.js'

/** Latencies shaped like real checks: mostly a lognormal body, sometimes a slow tail. */
function latency(rand: () => number): number {
  const u = Math.max(1e-9, rand())
  const v = rand()
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  const base = Math.exp(Math.log(40) + 0.8 * normal)
  return Math.round((rand() < 0.03 ? base * 20 : base) * 10) // tenths of ms
}

const exact = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.max(1, Math.ceil(q * s.length)) - 1]!
}

describe('latency histogram', () => {
  it('puts every value inside its bucket bounds, including exact boundaries', () => {
    for (const v of [0, 1, 2, 3, 10, 11, 99, 100, 1000, 12_345, 36_000_000]) {
      const i = bucketOf(v)
      expect(v >= bucketLower(i) || i === 0).toBe(true)
      expect(v < bucketUpper(i) || i === 255).toBe(true)
    }
    for (let i = 1; i < 200; i++) expect(bucketOf(bucketLower(i))).toBe(i)
  })

  it('merging histograms of any split equals the histogram of the whole (property, 200 seeds)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = prng(seed)
      const values = Array.from({ length: 1 + Math.floor(rand() * 400) }, () => latency(rand))
      const whole = newHistogram()
      for (const v of values) addValue(whole, v)
      const parts = Array.from({ length: 1 + Math.floor(rand() * 6) }, newHistogram)
      for (const v of values) addValue(parts[Math.floor(rand() * parts.length)]!, v)
      const merged = newHistogram()
      // Through the stored encoding, as rollup rows are merged.
      for (const p of parts) decodeInto(merged, encode(p))
      expect([...merged]).toEqual([...whole])
      expect(total(merged)).toBe(values.length)
    }
  })

  it('estimates p50/p95/p99 within 4.5 % of the exact nearest-rank value (property, 300 seeds)', () => {
    let worst = 0
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed * 7919)
      const values = Array.from({ length: 1 + Math.floor(rand() * 2000) }, () => latency(rand))
      const h = newHistogram()
      for (const v of values) addValue(h, v)
      const min = Math.min(...values)
      const max = Math.max(...values)
      for (const q of [0.5, 0.95, 0.99]) {
        const want = exact(values, q)
        const got = percentile(h, q, min, max)!
        const err = want === 0 ? Math.abs(got) : Math.abs(got - want) / want
        worst = Math.max(worst, err)
        expect(err).toBeLessThanOrEqual(0.045)
      }
    }
    expect(worst).toBeGreaterThan(0) // the bound is exercised, not vacuous
  })

  it('encodes compactly: one value is 2 bytes, counts beyond one byte survive', () => {
    const h = newHistogram()
    addValue(h, 420)
    expect(encode(h)).toHaveLength(2)
    addValue(h, 420, 100_000)
    const back = decodeInto(newHistogram(), encode(h))
    expect(back[bucketOf(420)]).toBe(100_001)
    expect(percentile(newHistogram(), 0.5)).toBeNull()
  })
})

describe('raw result codec', () => {
  it('packs status, maintenance and HTTP status into one small integer', () => {
    for (const status of [0, 1, 2] as StatusCode[])
      for (const maintenance of [false, true])
        for (const http of [null, 100, 200, 404, 503, 599]) {
          const code = packCode(status, maintenance, http)
          expect(code).toBeLessThan(32768) // a 2-byte SQLite integer
          expect(unpackCode(code)).toEqual({ status, maintenance, httpStatus: http })
        }
  })

  it('round-trips timings at 0.1 ms precision in about 10 bytes', () => {
    const t = { dns_ms: 1.23, connect_ms: 12.5, tls_ms: 30.04, ttfb_ms: 180.7, transfer_ms: 0.2 }
    const packed = packTimings(t)!
    expect(packed.length).toBeLessThanOrEqual(11)
    expect(unpackTimings(packed)).toEqual({
      dns_ms: 1.2,
      connect_ms: 12.5,
      tls_ms: 30,
      ttfb_ms: 180.7,
      transfer_ms: 0.2,
    })
    expect(unpackTimings(packTimings({ connect_ms: 5 }))).toEqual({ connect_ms: 5 })
    expect(packTimings({})).toBeNull()
    expect(packTimings(undefined)).toBeNull()
    expect(timingTenths({ ttfb_ms: 2 })).toEqual([0, 0, 0, 20, 0])
  })
})

describe('cover: reading a window from the fewest rollup rows', () => {
  const now = Date.UTC(2026, 5, 15, 14, 37, 20)
  const span = (segs: Segment[]) => segs.reduce((n, s) => n + (s.to - s.from), 0)
  const rowsOf = (segs: Segment[]) => segs.reduce((n, s) => n + (s.to - s.from) / READ_TIER_MINUTES[s.tier], 0)
  const check = (segs: Segment[]) => {
    const sorted = [...segs].sort((a, b) => a.from - b.from)
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.from).toBe(sorted[i - 1]!.to) // contiguous, no overlap
    for (const s of segs) {
      const size = READ_TIER_MINUTES[s.tier]
      expect((s.from - tierOrigin(s.tier)) % size).toBe(0)
      expect((s.to - tierOrigin(s.tier)) % size).toBe(0)
    }
  }

  it.each([
    { name: 'last hour', from: now - HOUR_MS, to: now, precision: '1m', maxRows: 60 + 24 },
    { name: 'last 24 h', from: now - DAY_MS, to: now, precision: '1m', maxRows: 60 + 24 + 1 },
    { name: 'last 7 days', from: now - 7 * DAY_MS, to: now, precision: '1h', maxRows: 24 + 8 },
    { name: 'last 90 days', from: now - 90 * DAY_MS, to: now, precision: '1d', maxRows: 91 },
    { name: 'one year', from: now - 365 * DAY_MS, to: now, precision: '1d', maxRows: 366 },
    {
      name: 'closed window inside 48 h',
      from: now - 30 * HOUR_MS + 7 * MINUTE_MS,
      to: now - 2 * HOUR_MS - 13 * MINUTE_MS,
      precision: '1m',
      maxRows: 60 * 2 + 24 * 2 + 1,
    },
    {
      name: 'closed window a month ago',
      from: now - 35 * DAY_MS + 5 * MINUTE_MS,
      to: now - 30 * DAY_MS - 90 * MINUTE_MS,
      precision: '1h',
      maxRows: 24 * 2 + 5,
    },
  ] as const)('$name → precision $precision, ≤ $maxRows rows per series', ({ from, to, precision, maxRows }) => {
    const plan = cover(from, to, now)
    check(plan.segments)
    expect(plan.precision).toBe(precision)
    expect(rowsOf(plan.segments)).toBeLessThanOrEqual(maxRows)
    expect(plan.from).toBeLessThanOrEqual(from)
    // Every requested minute is covered.
    expect(plan.segments[0] && Math.min(...plan.segments.map((s) => s.from)) * MINUTE_MS).toBeLessThanOrEqual(from)
    expect(Math.max(...plan.segments.map((s) => s.to)) * MINUTE_MS).toBeGreaterThanOrEqual(Math.min(to, now))
    expect(span(plan.segments)).toBeGreaterThan(0)
  })

  // Every coarse period that ended by `now` is built (the job runs an hour after a period closes).
  const allBuilt = (t: number): CoarseAvailability => ({
    built: { '1w': coarseBucketOf(minuteOf(t), '1w'), '4w': coarseBucketOf(minuteOf(t), '4w') },
    dirty: new Set(),
  })

  it.each([
    { name: '90 days', days: 90, maxRows: 3 + 6 + 6 + 6 + 1 },
    { name: 'one year', days: 365, maxRows: 13 + 6 + 12 + 1 },
    { name: 'five years', days: 5 * 365, maxRows: 66 + 6 + 12 + 1 },
  ])('$name with week and 4-week rows built: ≤ $maxRows day-or-coarser rows per series', ({ days, maxRows }) => {
    const plan = cover(now - days * DAY_MS, now, now, allBuilt(now))
    check(plan.segments)
    expect(plan.segments.some((s) => s.tier === '4w')).toBe(true)
    expect(rowsOf(plan.segments)).toBeLessThanOrEqual(maxRows)
    // The same minutes as the plan that reads days only.
    const days_ = cover(now - days * DAY_MS, now, now)
    expect([plan.from, plan.to]).toEqual([days_.from, days_.to])
    expect(span(plan.segments)).toBe(span(days_.segments))
  })

  it('reads days (or weeks) instead of a coarse period that is not built or is dirty', () => {
    const rand = prng(7)
    for (let i = 0; i < 500; i++) {
      const a = now - rand() * 800 * DAY_MS
      const b = Math.min(now, a + rand() * 400 * DAY_MS)
      const builtAt = now - rand() * 300 * DAY_MS
      const avail = allBuilt(builtAt)
      const dirty = new Set<string>()
      for (let k = 0; k < 5; k++) {
        const m = minuteOf(a + rand() * (b - a))
        const tier = rand() < 0.5 ? '1w' : '4w'
        dirty.add(`${tier}:${coarseBucketOf(m, tier)}`)
      }
      const plan = cover(a, b, now, { ...avail, dirty })
      check(plan.segments)
      const plain = cover(a, b, now)
      expect(span(plan.segments)).toBe(span(plain.segments))
      expect([plan.from, plan.to, plan.precision]).toEqual([plain.from, plain.to, plain.precision])
      for (const s of plan.segments) {
        if (s.tier !== '1w' && s.tier !== '4w') continue
        expect(s.to).toBeLessThanOrEqual(avail.built[s.tier] as number)
        for (let p = s.from; p < s.to; p += READ_TIER_MINUTES[s.tier]) expect(dirty.has(`${s.tier}:${p}`)).toBe(false)
      }
    }
  })

  it('never reads minute rows older than 47 h or hour rows older than 89 days', () => {
    const rand = prng(42)
    for (let i = 0; i < 500; i++) {
      const a = now - rand() * 400 * DAY_MS
      const b = a + rand() * 60 * DAY_MS
      const plan = cover(a, Math.min(b, now + DAY_MS), now)
      check(plan.segments)
      for (const s of plan.segments) {
        if (s.tier === '1m') expect(s.from * MINUTE_MS).toBeGreaterThanOrEqual(now - 47 * HOUR_MS)
        if (s.tier === '1h') expect(s.from * MINUTE_MS).toBeGreaterThanOrEqual(now - 89 * DAY_MS)
      }
    }
  })
})

describe('rollup math against raw computation', () => {
  function randomPoints(rand: () => number, n: number, t0: number): RollupPoint[] {
    return Array.from({ length: n }, () => {
      const r = rand()
      const status = (r < 0.8 ? 0 : r < 0.9 ? 1 : 2) as StatusCode
      return {
        skey: 1 + Math.floor(rand() * 3),
        at: t0 + Math.floor(rand() * 3 * DAY_MS),
        status,
        maintenance: rand() < 0.05,
        lat: latency(rand),
        phases: rand() < 0.7 ? [10, 20, 30, 40, 5] : null,
      }
    })
  }

  it('hour rows merged equal the day row, and both equal raw aggregates (property, 50 seeds)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rand = prng(seed * 31)
      const points = randomPoints(rand, 50 + Math.floor(rand() * 1500), Date.UTC(2026, 0, 1))
      const hours = accumulate(points, (at) => Math.floor(at / HOUR_MS) * 60)
      const days = accumulate(points, (at) => Math.floor(at / DAY_MS) * 1440)
      for (const d of days.values()) {
        const merged = newAcc()
        for (const h of hours.values())
          if (h.skey === d.skey && Math.floor(h.bucket / 1440) * 1440 === d.bucket) mergeAcc(merged, toRollupAcc(h.acc))
        const day = toRollupAcc(d.acc)
        // Σ latency² is a double: summing in another order moves the last bits.
        expect({ ...merged, latSq: 0, hist: [...merged.hist] }).toEqual({ ...day, latSq: 0, hist: [...day.hist] })
        // The stored blob from bucket indices is the dense histogram's encoding.
        expect([...encodeHist(d.acc)]).toEqual([...encode(day.hist)])
        expect(merged.latSq).toBeCloseTo(d.acc.latSq, 6)
        const raw = points.filter((p) => p.skey === d.skey && Math.floor(p.at / DAY_MS) * 1440 === d.bucket)
        const ok = raw.filter((p) => p.status !== 2)
        expect(d.acc.n).toBe(raw.length)
        expect(d.acc.down).toBe(raw.length - ok.length)
        expect(d.acc.maint).toBe(raw.filter((p) => p.maintenance).length)
        expect(d.acc.latSum).toBe(ok.reduce((s, p) => s + p.lat, 0))
        expect(d.acc.latMin).toBe(ok.length ? Math.min(...ok.map((p) => p.lat)) : null)
        expect(d.acc.latSq).toBeCloseTo(
          ok.reduce((s, p) => s + (p.lat / 10) ** 2, 0),
          3,
        )
      }
    }
  })

  it('folds consensus minutes: best rank wins, maintenance sticks, order does not matter', () => {
    expect(categoryOf(0)).toBeNull()
    expect(categoryOf(foldState(0, 2, false))).toBe('down')
    expect(categoryOf(foldState(foldState(0, 2, false), 0, false))).toBe('up')
    expect(categoryOf(foldState(foldState(0, 0, false), 2, false))).toBe('up')
    expect(categoryOf(foldState(foldState(0, 1, false), 2, false))).toBe('degraded')
    expect(categoryOf(foldState(foldState(0, 2, true), 0, false))).toBe('maint')
    const rand = prng(7)
    const pts = Array.from({ length: 300 }, () => ({
      at: Date.UTC(2026, 0, 1) + Math.floor(rand() * 5 * HOUR_MS),
      net: (rand() < 0.5 ? 0 : 1) as 0 | 1,
      status: Math.floor(rand() * 3) as StatusCode,
      maintenance: false,
    }))
    const a = consensusFromPoints(pts)
    const b = consensusFromPoints([...pts].reverse())
    expect([...a.minutes.values()].sort((x, y) => x.minute - y.minute || x.net - y.net)).toEqual(
      [...b.minutes.values()].sort((x, y) => x.minute - y.minute || x.net - y.net),
    )
    const minutesInHours = [...a.hours.values()].reduce((n, h) => n + h.up + h.degraded + h.down + h.maint, 0)
    expect(minutesInHours).toBe(a.minutes.size)
  })

  it('accumulates one point per call like a batch', () => {
    const acc = newAcc()
    addPoint(acc, { status: 0, maintenance: false, lat: 100, phases: null })
    addPoint(acc, { status: 2, maintenance: false, lat: 5000, phases: null })
    expect(acc).toMatchObject({ n: 2, up: 1, down: 1, latSum: 100, latMin: 100, latMax: 100 })
    const h = newHistogram()
    mergeInto(h, acc.hist)
    expect(total(h)).toBe(1)
  })
})

describe('merging encoded histograms', () => {
  it('equals merging dense histograms (property, 300 seeds)', async () => {
    const { mergeEncoded } = await import('../src/storage/timeseries/histogram.js')
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed * 104729)
      const a = newHistogram()
      const b = newHistogram()
      for (let i = Math.floor(rand() * 50); i > 0; i--) addValue(a, latency(rand), 1 + Math.floor(rand() * 300))
      for (let i = Math.floor(rand() * 50); i > 0; i--) addValue(b, latency(rand), 1 + Math.floor(rand() * 300))
      const dense = newHistogram()
      mergeInto(dense, a)
      mergeInto(dense, b)
      expect([...decodeInto(newHistogram(), mergeEncoded(encode(a), encode(b)))]).toEqual([...dense])
    }
    expect(mergeEncoded(null, null)).toHaveLength(0)
  })
})

describe('packed days (PostgreSQL compaction)', () => {
  it('round-trips a day of results and merges late rows by time (property, 100 seeds)', async () => {
    const { mergeDay, packDay, unpackDay } = await import('../src/storage/timeseries/packed.js')
    for (let seed = 1; seed <= 100; seed++) {
      const rand = prng(seed * 7)
      const day = Date.UTC(2026, 0, 5)
      const rows = Array.from({ length: Math.floor(rand() * 1500) }, (_, i) => ({
        at: day + i * 57_000 + Math.floor(rand() * 1000),
        code: packCode(Math.floor(rand() * 3) as StatusCode, rand() < 0.1, rand() < 0.5 ? 200 : null),
        lat: latency(rand),
        tm: rand() < 0.7 ? packTimings({ connect_ms: rand() * 50, ttfb_ms: rand() * 500 }) : null,
      }))
      const packed = packDay([...rows].reverse(), day)
      expect(unpackDay(packed, day).map((r) => ({ ...r, tm: r.tm && [...r.tm] }))).toEqual(
        rows.map((r) => ({ ...r, tm: r.tm && [...r.tm] })),
      )
      if (rows.length > 0) expect(packed.length / rows.length).toBeLessThan(16)
      const late = { at: day + 86_399_000, code: 2, lat: 5, tm: null }
      const merged = unpackDay(mergeDay(packed, [late, ...rows.slice(0, 3)], day), day)
      expect(merged).toHaveLength(rows.length + (rows.some((r) => r.at === late.at) ? 0 : 1))
    }
  })
})
