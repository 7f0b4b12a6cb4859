import type { StatusCode } from './codec.js'
import {
  addValue,
  encodeBuckets,
  type Histogram,
  bucketOf as histBucket,
  mergeInto,
  newHistogram,
} from './histogram.js'

/**
 * Pure rollup math shared by ingestion (incremental), the rebuild command (from raw) and the
 * tests (against raw computation). Latency statistics cover up and degraded results only: the
 * "latency" of a failed check is the time it took to fail, which would pollute percentiles.
 */
export interface RollupPoint {
  skey: number
  at: number
  status: StatusCode
  maintenance: boolean
  /** Latency in tenths of ms. */
  lat: number
  /** Phases in tenths of ms (dns, connect, tls, ttfb, transfer), or null without timings. */
  phases: readonly number[] | null
}

export interface RollupAcc {
  n: number
  up: number
  degraded: number
  down: number
  maint: number
  latSum: number
  latMin: number | null
  latMax: number | null
  /** Σ latency² in ms² (a double): mean and variance over any window for the z-score. */
  latSq: number
  phN: number
  ph: number[]
  hist: Histogram
}

export const newAcc = (): RollupAcc => ({
  n: 0,
  up: 0,
  degraded: 0,
  down: 0,
  maint: 0,
  latSum: 0,
  latMin: null,
  latMax: null,
  latSq: 0,
  phN: 0,
  ph: [0, 0, 0, 0, 0],
  hist: newHistogram(),
})

/** A rollup row's counts and sums, without its histogram. */
export type RollupStats = Omit<RollupAcc, 'hist'>

/**
 * A rollup row built from points (ingestion's fold, the rebuild): its histogram is the points'
 * bucket indices until it is encoded. Most rows hold a few points (a minute holds one), and a
 * 256-slot array per row was most of the fold's allocations.
 */
export interface PointAcc extends RollupStats {
  buckets: number[]
}

/** Counts one point; true when it carries a latency (up or degraded). */
function countPoint(acc: RollupStats, p: Omit<RollupPoint, 'skey' | 'at'>): boolean {
  acc.n++
  if (p.maintenance) acc.maint++
  if (p.status === 2) {
    acc.down++
    return false
  }
  if (p.status === 0) acc.up++
  else acc.degraded++
  acc.latSum += p.lat
  acc.latMin = acc.latMin === null ? p.lat : Math.min(acc.latMin, p.lat)
  acc.latMax = acc.latMax === null ? p.lat : Math.max(acc.latMax, p.lat)
  acc.latSq += (p.lat / 10) ** 2
  if (p.phases) {
    acc.phN++
    for (let i = 0; i < 5; i++) acc.ph[i]! += p.phases[i] ?? 0
  }
  return true
}

export function addPoint(acc: RollupAcc, p: Omit<RollupPoint, 'skey' | 'at'>): void {
  if (countPoint(acc, p)) addValue(acc.hist, p.lat)
}

// Object literals, not a spread of a shared base: built with `{ ...base, buckets }`, the fold's
// `countPoint` took ~2 µs a point (profiled) instead of a few nanoseconds.
export const newPointAcc = (): PointAcc => ({
  n: 0,
  up: 0,
  degraded: 0,
  down: 0,
  maint: 0,
  latSum: 0,
  latMin: null,
  latMax: null,
  latSq: 0,
  phN: 0,
  ph: [0, 0, 0, 0, 0],
  buckets: [],
})

export function addToPointAcc(acc: PointAcc, p: Omit<RollupPoint, 'skey' | 'at'>): void {
  if (countPoint(acc, p)) acc.buckets.push(histBucket(p.lat))
}

/** The row's histogram as stored. */
export const encodeHist = (acc: PointAcc): Uint8Array => encodeBuckets(acc.buckets)

/** The same row as a read-side accumulator, with a dense histogram (merges, tests). */
export function toRollupAcc(acc: PointAcc): RollupAcc {
  const { buckets, ...stats } = acc
  const hist = newHistogram()
  for (const b of buckets) hist[b]! += 1
  return { ...stats, ph: [...stats.ph], hist }
}

export function mergeAcc(into: RollupAcc, b: RollupAcc): RollupAcc {
  into.n += b.n
  into.up += b.up
  into.degraded += b.degraded
  into.down += b.down
  into.maint += b.maint
  into.latSum += b.latSum
  if (b.latMin !== null) into.latMin = into.latMin === null ? b.latMin : Math.min(into.latMin, b.latMin)
  if (b.latMax !== null) into.latMax = into.latMax === null ? b.latMax : Math.max(into.latMax, b.latMax)
  into.latSq += b.latSq
  into.phN += b.phN
  for (let i = 0; i < 5; i++) into.ph[i]! += b.ph[i] ?? 0
  mergeInto(into.hist, b.hist)
  return into
}

/** Results with latency statistics (up + degraded). */
export const latCount = (a: Pick<RollupAcc, 'up' | 'degraded'>): number => a.up + a.degraded

/** Groups points by (key, bucket) with `bucketOf`, accumulating each group. */
export function accumulate<P extends RollupPoint>(
  points: readonly P[],
  bucketOf: (at: number) => number,
): Map<string, { skey: number; bucket: number; acc: PointAcc }> {
  const out = new Map<string, { skey: number; bucket: number; acc: PointAcc }>()
  for (const p of points) {
    const bucket = bucketOf(p.at)
    const k = `${p.skey}:${bucket}`
    let g = out.get(k)
    if (!g) {
      g = { skey: p.skey, bucket, acc: newPointAcc() }
      out.set(k, g)
    }
    addToPointAcc(g.acc, p)
  }
  return out
}

// ── Consensus minutes ───────────────────────────────────────────────────────────────────────
// A minute of one monitor and one network type is up when any probe of that type saw it up
// (degraded when the best was degraded, down when every result was down). The state is the best
// rank seen so far plus a maintenance bit; it only grows, which is what makes it incremental.

export type MinuteCategory = 'up' | 'degraded' | 'down' | 'maint'
const RANK_OF_STATUS = [3, 2, 1] as const

export function foldState(state: number, status: StatusCode, maintenance: boolean): number {
  const rank = Math.max(state & 3, RANK_OF_STATUS[status])
  return rank | (state & 4) | (maintenance ? 4 : 0)
}

export function categoryOf(state: number): MinuteCategory | null {
  if (state === 0) return null
  if (state & 4) return 'maint'
  const rank = state & 3
  return rank === 3 ? 'up' : rank === 2 ? 'degraded' : 'down'
}

export interface MinuteCounts {
  up: number
  degraded: number
  down: number
  maint: number
}
export const newCounts = (): MinuteCounts => ({ up: 0, degraded: 0, down: 0, maint: 0 })
export function addCounts(into: MinuteCounts, b: MinuteCounts): void {
  into.up += b.up
  into.degraded += b.degraded
  into.down += b.down
  into.maint += b.maint
}

/** Network types as stored: 0 external (also probes without a type), 1 internal. */
export type NetCode = 0 | 1
export const netCode = (networkType: string | null | undefined): NetCode => (networkType === 'internal' ? 1 : 0)

/**
 * Consensus rows computed from scratch (rebuild, tests): minute states per (net, minute) and the
 * minute counts per hour and day bucket. `points` belong to one monitor.
 */
export function consensusFromPoints(
  points: readonly { at: number; net: NetCode; status: StatusCode; maintenance: boolean }[],
): {
  minutes: Map<string, { net: NetCode; minute: number; state: number }>
  hours: Map<string, { net: NetCode; bucket: number } & MinuteCounts>
  days: Map<string, { net: NetCode; bucket: number } & MinuteCounts>
} {
  const minutes = new Map<string, { net: NetCode; minute: number; state: number }>()
  for (const p of points) {
    const minute = Math.floor(p.at / 60_000)
    const k = `${p.net}:${minute}`
    const m = minutes.get(k) ?? { net: p.net, minute, state: 0 }
    m.state = foldState(m.state, p.status, p.maintenance)
    minutes.set(k, m)
  }
  const hours = new Map<string, { net: NetCode; bucket: number } & MinuteCounts>()
  const days = new Map<string, { net: NetCode; bucket: number } & MinuteCounts>()
  for (const m of minutes.values()) {
    const cat = categoryOf(m.state)
    if (!cat) continue
    for (const [map, size] of [
      [hours, 60],
      [days, 1440],
    ] as const) {
      const bucket = Math.floor(m.minute / size) * size
      const k = `${m.net}:${bucket}`
      const c = map.get(k) ?? { net: m.net, bucket, ...newCounts() }
      c[cat]++
      map.set(k, c)
    }
  }
  return { minutes, hours, days }
}
