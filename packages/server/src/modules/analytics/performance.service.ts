import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { cover, DAY_MS, HOUR_MS, MINUTE_MS } from '../../storage/timeseries/buckets.js'
import { latCount } from '../../storage/timeseries/rollup.js'
import { monitorKeys, visibleMonitor } from './context.js'
import { type AnomalyInput, anomaly, trend } from './performance.js'
import { latencyStats, mergeRows, round } from './stats.js'
import { groupBy } from './uptime.service.js'

/** Hourly rollups of the monitor's probes over the last `days` days (up and degraded latencies). */
async function hourlyRows(deps: Deps, monitorId: string, days: number) {
  const now = deps.clock.now()
  const to = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS
  const keys = await monitorKeys(deps, monitorId)
  return deps.repos.rollups.sums(
    keys.series.map((s) => s.skey),
    '1h',
    (to - days * DAY_MS) / MINUTE_MS,
    to / MINUTE_MS,
    'bucket',
    { hist: true },
  )
}

/**
 * z-score of the latest latency against the same time of day (±3 h, wrapping midnight) over the
 * last 7 days, from hourly sums and sums of squares (exact mean and population variance).
 */
export async function getAnomaly(deps: Deps, ctx: RequestContext, id: string, threshold: number) {
  const m = await visibleMonitor(deps, ctx, id)
  const now = deps.clock.now()
  const rows = await hourlyRows(deps, m.id, 7)
  const hour = new Date(now).getUTCHours()
  const sample: AnomalyInput = { count: 0, sum: 0, sumSq: 0 }
  for (const r of rows) {
    const h = new Date(r.bucket * MINUTE_MS).getUTCHours()
    const d = Math.min(Math.abs(h - hour), 24 - Math.abs(h - hour))
    if (d > 3) continue
    sample.count += latCount(r)
    sample.sum += r.lat_sum / 10
    sample.sumSq += r.lat_sq
  }
  return { monitor_id: m.id, ...anomaly(m.last_latency_ms, sample, threshold) }
}

/** The performance baseline: 7-day latency statistics and the average per hour of day. */
export async function getBaseline(deps: Deps, ctx: RequestContext, id: string, days = 7) {
  const m = await visibleMonitor(deps, ctx, id)
  const rows = await hourlyRows(deps, m.id, days)
  const all = latencyStats(mergeRows(rows))
  const byHour = groupBy(rows, (r) => new Date(r.bucket * MINUTE_MS).getUTCHours())
  return {
    monitor_id: m.id,
    days,
    samples: all.count,
    avg_ms: all.avg_ms,
    p50_ms: all.p50_ms,
    p95_ms: all.p95_ms,
    p99_ms: all.p99_ms,
    stddev_ms: all.stddev_ms,
    by_hour: Array.from({ length: 24 }, (_, hour) => {
      const s = latencyStats(mergeRows(byHour.get(hour) ?? []))
      return { hour, avg_ms: s.avg_ms, samples: s.count }
    }),
  }
}

/** Mean latency of the last 6 h against the 6 h before (minute precision). */
export async function getTrend(deps: Deps, ctx: RequestContext, id: string) {
  const m = await visibleMonitor(deps, ctx, id)
  const now = deps.clock.now()
  const keys = await monitorKeys(deps, m.id)
  const skeys = keys.series.map((s) => s.skey)
  const window = async (from: number, to: number) => {
    const plan = cover(from, to, now)
    const acc = mergeRows(await deps.repos.rollups.sumsForPlan(skeys, plan.segments, 'skey'))
    const n = latCount(acc)
    return { n, mean: n === 0 ? null : acc.latSum / 10 / n }
  }
  const [cur, prev] = await Promise.all([window(now - 6 * HOUR_MS, now), window(now - 12 * HOUR_MS, now - 6 * HOUR_MS)])
  const t = trend(cur, prev)
  return {
    monitor_id: m.id,
    current_avg_ms: cur.mean === null ? null : round(cur.mean, 1),
    previous_avg_ms: prev.mean === null ? null : round(prev.mean, 1),
    current_samples: cur.n,
    previous_samples: prev.n,
    ...t,
  }
}
