import { decodeInto, percentile } from '../../storage/timeseries/histogram.js'
import { type MinuteCounts, newAcc, type RollupAcc } from '../../storage/timeseries/rollup.js'

/**
 * Pure analytics over rollup rows: consensus uptime per network view and latency statistics from
 * merged histograms. No SQL, no clock: tested with tables and against raw computation.
 */

export interface RollupLike {
  n: number
  up: number
  degraded: number
  down: number
  maint: number
  lat_sum: number
  lat_min: number | null
  lat_max: number | null
  lat_sq: number
  ph_n: number
  ph_dns: number
  ph_connect: number
  ph_tls: number
  ph_ttfb: number
  ph_transfer: number
  hist?: Uint8Array | null
}

/** Merges rollup rows (any tiers, any series) into one accumulator, histograms included. */
export function mergeRows(rows: Iterable<RollupLike>, into: RollupAcc = newAcc()): RollupAcc {
  for (const r of rows) {
    into.n += r.n
    into.up += r.up
    into.degraded += r.degraded
    into.down += r.down
    into.maint += r.maint
    into.latSum += r.lat_sum
    if (r.lat_min !== null) into.latMin = into.latMin === null ? r.lat_min : Math.min(into.latMin, r.lat_min)
    if (r.lat_max !== null) into.latMax = into.latMax === null ? r.lat_max : Math.max(into.latMax, r.lat_max)
    into.latSq += r.lat_sq
    into.phN += r.ph_n
    into.ph[0]! += r.ph_dns
    into.ph[1]! += r.ph_connect
    into.ph[2]! += r.ph_tls
    into.ph[3]! += r.ph_ttfb
    into.ph[4]! += r.ph_transfer
    if (r.hist) decodeInto(into.hist, r.hist)
  }
  return into
}

const round = (v: number, dp: number) => {
  const f = 10 ** dp
  return Math.round(v * f) / f
}
const ms = (tenths: number | null, dp = 1) => (tenths === null ? null : round(tenths / 10, dp))
/** Tenths of a millisecond (as stored) → milliseconds to 0.1. */
export const tenthsToMs = (tenths: number | null): number | null => ms(tenths)

export interface LatencyStats {
  count: number
  avg_ms: number | null
  min_ms: number | null
  max_ms: number | null
  p50_ms: number | null
  p95_ms: number | null
  p99_ms: number | null
  stddev_ms: number | null
}

/** Latency of up and degraded results; percentiles from the merged histogram (±4.5 %). */
export function latencyStats(a: RollupAcc): LatencyStats {
  const n = a.up + a.degraded
  if (n === 0)
    return {
      count: 0,
      avg_ms: null,
      min_ms: null,
      max_ms: null,
      p50_ms: null,
      p95_ms: null,
      p99_ms: null,
      stddev_ms: null,
    }
  const mean = a.latSum / 10 / n
  const variance = Math.max(0, a.latSq / n - mean * mean)
  return {
    count: n,
    avg_ms: round(mean, 1),
    min_ms: ms(a.latMin),
    max_ms: ms(a.latMax),
    p50_ms: ms(percentile(a.hist, 0.5, a.latMin, a.latMax)),
    p95_ms: ms(percentile(a.hist, 0.95, a.latMin, a.latMax)),
    p99_ms: ms(percentile(a.hist, 0.99, a.latMin, a.latMax)),
    stddev_ms: round(Math.sqrt(variance), 2),
  }
}

export function phaseAverages(a: RollupAcc): Record<'dns' | 'connect' | 'tls' | 'ttfb' | 'transfer', number> | null {
  if (a.phN === 0) return null
  const avg = (i: number) => round((a.ph[i] ?? 0) / 10 / a.phN, 2)
  return { dns: avg(0), connect: avg(1), tls: avg(2), ttfb: avg(3), transfer: avg(4) }
}

/** `phaseAverages` of one row, from its sums. */
export function rowPhases(
  r: Pick<RollupLike, 'ph_n' | 'ph_dns' | 'ph_connect' | 'ph_tls' | 'ph_ttfb' | 'ph_transfer'>,
): ReturnType<typeof phaseAverages> {
  if (r.ph_n === 0) return null
  const avg = (v: number) => round(v / 10 / r.ph_n, 2)
  return {
    dns: avg(r.ph_dns),
    connect: avg(r.ph_connect),
    tls: avg(r.ph_tls),
    ttfb: avg(r.ph_ttfb),
    transfer: avg(r.ph_transfer),
  }
}

// ── Consensus uptime ────────────────────────────────────────────────────────────────────────

/** Minutes that count for availability: maintenance and minutes without data are excluded. */
export const measured = (c: MinuteCounts): number => c.up + c.degraded + c.down
/** Up and degraded minutes are available (degraded is slow or a soft condition, not an outage). */
export const viewPercent = (c: MinuteCounts): number | null =>
  measured(c) === 0 ? null : ((c.up + c.degraded) / measured(c)) * 100

export interface ConsensusUptime {
  /** The worse of the internal and external views that have data; 100 without any data. */
  uptime_percent: number
  internal_uptime_percent: number | null
  external_uptime_percent: number | null
  headline_view: 'internal' | 'external' | null
  /** Minutes of the headline view. */
  minutes: MinuteCounts & { measured: number }
}

/** The headline view: the worse of the two that have data. */
function headlineOf(ip: number | null, ep: number | null): 'internal' | 'external' | null {
  if (ip !== null && (ep === null || ip < ep)) return 'internal'
  return ep !== null ? 'external' : null
}

/** `consensusUptime(v).uptime_percent`, or null without data: a chart point's uptime, without the rest. */
export function headlinePercent(internal: MinuteCounts, external: MinuteCounts, dp = 3): number | null {
  const ip = viewPercent(internal)
  const ep = viewPercent(external)
  const headline = headlineOf(ip, ep)
  return headline === null ? null : round(headline === 'internal' ? (ip as number) : (ep as number), dp)
}

export function consensusUptime(v: { internal: MinuteCounts; external: MinuteCounts }, dp = 3): ConsensusUptime {
  const ip = viewPercent(v.internal)
  const ep = viewPercent(v.external)
  const headline = headlineOf(ip, ep)
  const c = headline === null ? { up: 0, degraded: 0, down: 0, maint: 0 } : v[headline]
  // Maintenance is reported for the monitor as a whole (either view), whichever is the headline.
  const maint = Math.max(v.internal.maint, v.external.maint)
  return {
    uptime_percent: headline === null ? 100 : round(headline === 'internal' ? ip! : ep!, dp),
    internal_uptime_percent: ip === null ? null : round(ip, dp),
    external_uptime_percent: ep === null ? null : round(ep, dp),
    headline_view: headline,
    minutes: { ...c, maint, measured: measured(c) },
  }
}

/** How many minutes one stored minute stands for: a check every 5 minutes speaks for 5. */
export const minutesPerCheck = (intervalSeconds: number): number => Math.max(1, intervalSeconds / 60)

export { round }
