import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import { chartHourOf, type SumRow } from '../../storage/repositories/rollups.repository.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, TIER_RETENTION_MS, type Tier } from '../../storage/timeseries/buckets.js'
import type { ChartHour } from '../../storage/timeseries/chart-hours.js'
import { bucketValue } from '../../storage/timeseries/histogram.js'
import { type MinuteCounts, newCounts } from '../../storage/timeseries/rollup.js'
import type { UptimeDto, WindowQueryIn } from './analytics.schemas.js'
import { monitorKeys, resolveWindow, visibleMonitor } from './context.js'
import {
  consensusUptime,
  headlinePercent,
  latencyStats,
  mergeRows,
  minutesPerCheck,
  round,
  rowPhases,
  tenthsToMs,
} from './stats.js'

/**
 * Consensus uptime and latency over any window, read from rollups only: built 4-week and week
 * periods, whole days around them from the day tier, edge hours and minutes from the finer tiers
 * (storage/timeseries/buckets.ts `cover`).
 */
export async function computeUptime(
  deps: Deps,
  monitor: Pick<MonitorRow, 'id' | 'interval_seconds'>,
  from: number,
  to: number,
  decimals = 3,
): Promise<UptimeDto> {
  const plan = await deps.repos.rollups.coverPlan(from, to, deps.clock.now())
  const keys = await monitorKeys(deps, monitor.id)
  const [totals, rows] = await Promise.all([
    keys.mkey === null ? undefined : deps.repos.rollups.consensusTotals([keys.mkey], plan.segments),
    deps.repos.rollups.sumsForPlan(
      keys.series.map((s) => s.skey),
      plan.segments,
      'skey',
      { hist: true },
    ),
  ])
  const views = (keys.mkey !== null && totals?.get(keys.mkey)) || { internal: newCounts(), external: newCounts() }
  const u = consensusUptime(views, decimals)
  const acc = mergeRows(rows)
  const lat = latencyStats(acc)
  return {
    monitor_id: monitor.id,
    from: iso(from),
    to: iso(to),
    precision: plan.precision,
    ...u,
    downtime_minutes: round(u.minutes.down * minutesPerCheck(monitor.interval_seconds), 2),
    total_checks: acc.n,
    up_checks: acc.up,
    degraded_checks: acc.degraded,
    down_checks: acc.down,
    avg_response_time_ms: lat.avg_ms,
    p95_response_time_ms: lat.p95_ms,
    latency: lat,
  }
}

export async function getUptime(deps: Deps, ctx: RequestContext, id: string, q: WindowQueryIn): Promise<UptimeDto> {
  const m = await visibleMonitor(deps, ctx, id)
  const { from, to } = resolveWindow(q, deps.clock.now())
  return computeUptime(deps, m, from, to)
}

/** Daily consensus rows (UTC days, oldest first; days without data omitted). */
export async function getHistory(deps: Deps, ctx: RequestContext, id: string, days: number) {
  const m = await visibleMonitor(deps, ctx, id)
  const now = deps.clock.now()
  const to = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS
  const from = to - days * DAY_MS
  const keys = await monitorKeys(deps, m.id)
  if (keys.mkey === null) return []
  const fromMin = from / MINUTE_MS
  const toMin = to / MINUTE_MS
  const [cons, rows] = await Promise.all([
    deps.repos.rollups.consensusRows([keys.mkey], '1d', fromMin, toMin),
    deps.repos.rollups.sums(
      keys.series.map((s) => s.skey),
      '1d',
      fromMin,
      toMin,
      'bucket',
      { hist: true },
    ),
  ])
  const byDay = new Map<number, { internal: MinuteCounts; external: MinuteCounts; rows: SumRow[] }>()
  const day = (b: number) => {
    let d = byDay.get(b)
    if (!d) {
      d = { internal: newCounts(), external: newCounts(), rows: [] }
      byDay.set(b, d)
    }
    return d
  }
  for (const c of cons) Object.assign(c.net === 1 ? day(c.bucket).internal : day(c.bucket).external, pick(c))
  for (const r of rows) day(r.bucket).rows.push(r)
  return [...byDay.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bucket, d]) => {
      const u = consensusUptime(d, 2)
      const lat = latencyStats(mergeRows(d.rows))
      return {
        date: iso(bucket * MINUTE_MS).slice(0, 10),
        total: u.minutes.measured,
        up_count: u.minutes.up + u.minutes.degraded,
        degraded_minutes: u.minutes.degraded,
        down_minutes: u.minutes.down,
        maintenance_minutes: u.minutes.maint,
        uptime_percent: u.uptime_percent,
        internal_uptime_percent: u.internal_uptime_percent,
        external_uptime_percent: u.external_uptime_percent,
        avg_response_time_ms: lat.avg_ms,
        p95_response_time_ms: lat.p95_ms,
        checks: d.rows.reduce((n, r) => n + r.n, 0),
      }
    })
}

const pick = (c: MinuteCounts): MinuteCounts => ({ up: c.up, degraded: c.degraded, down: c.down, maint: c.maint })

/** Hourly p50/p95/p99 from merged hourly histograms (all probes), oldest first. */
export async function getPercentiles(deps: Deps, ctx: RequestContext, id: string, hours: number) {
  const m = await visibleMonitor(deps, ctx, id)
  const now = deps.clock.now()
  const to = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS
  const from = to - hours * HOUR_MS
  const keys = await monitorKeys(deps, m.id)
  const rows = await deps.repos.rollups.sums(
    keys.series.map((s) => s.skey),
    '1h',
    from / MINUTE_MS,
    to / MINUTE_MS,
    'bucket',
    { hist: true },
  )
  return rows
    .sort((a, b) => a.bucket - b.bucket)
    .map((r) => {
      const lat = latencyStats(mergeRows([r]))
      return { hour: iso(r.bucket * MINUTE_MS), p50: lat.p50_ms, p95: lat.p95_ms, p99: lat.p99_ms, count: lat.count }
    })
}

/** Picks the finest step that the window allows and that gives at most ~720 points. */
export function chooseStep(from: number, to: number, now: number, wanted?: Tier): Tier {
  const span = to - from
  let step: Tier = wanted ?? (span <= 12 * HOUR_MS ? '1m' : span <= 31 * DAY_MS ? '1h' : '1d')
  if (step === '1m' && from < now - TIER_RETENTION_MS['1m'] + HOUR_MS) step = '1h'
  if (step === '1h' && from < now - TIER_RETENTION_MS['1h'] + DAY_MS) step = '1d'
  return step
}

/**
 * Chart data: one point per bucket with checks, consensus uptime, latency (avg/min/max/p95) and
 * average timing phases. A 30-day chart is ~720 hourly points whatever the stored history: the
 * closed days come from their stored chart days (one row per day), the rest live from the hour
 * tiers.
 */
export async function getSeries(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  q: WindowQueryIn & { step?: Tier | undefined; probe_id?: string | undefined; percentiles?: boolean | undefined },
) {
  const m = await visibleMonitor(deps, ctx, id)
  const now = deps.clock.now()
  const { from, to } = resolveWindow(q, now)
  const step = chooseStep(from, to, now, q.step)
  const size = { '1m': MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS }[step]
  const a = Math.floor(from / size) * size
  const b = Math.ceil(to / size) * size
  const keys = await monitorKeys(deps, m.id)
  const percentiles = q.percentiles === true
  const rollups = deps.repos.rollups
  let hours: ChartHour[]
  if (keys.mkey === null) hours = []
  else if (step === '1h' && q.probe_id === undefined)
    hours = await rollups.chartHours(
      keys.mkey,
      keys.series.map((s) => s.skey),
      a / MINUTE_MS,
      b / MINUTE_MS,
      { p95: percentiles },
    )
  else {
    const skeys = keys.series.filter((s) => q.probe_id === undefined || s.probe_id === q.probe_id).map((s) => s.skey)
    const [rows, cons] = await Promise.all([
      rollups.sums(skeys, step, a / MINUTE_MS, b / MINUTE_MS, 'bucket', { hist: percentiles }),
      q.probe_id !== undefined ? [] : rollups.consensusRows([keys.mkey], step, a / MINUTE_MS, b / MINUTE_MS),
    ])
    const consBy = groupBy(cons, (c) => c.bucket)
    hours = rows.sort((x, y) => x.bucket - y.bucket).map((r) => chartHourOf(r, consBy.get(r.bucket) ?? []))
  }
  const at = isoOfMinutes()
  const points = hours.map((h) => {
    const checked = h.up + h.degraded + h.down
    const n = h.up + h.degraded
    const mean = n === 0 ? null : h.lat_sum / 10 / n
    // One probe's own view: its share of available checks (no consensus across probes).
    const uptime =
      q.probe_id !== undefined
        ? checked === 0
          ? null
          : round(((h.up + h.degraded) / checked) * 100, 3)
        : headlinePercent(h.internal, h.external, 3)
    return {
      t: at(h.bucket),
      checks: h.n,
      up: h.up,
      degraded: h.degraded,
      down: h.down,
      maintenance: h.maint,
      uptime_percent: uptime,
      avg_ms: mean === null ? null : round(mean, 1),
      min_ms: n === 0 ? null : tenthsToMs(h.lat_min),
      max_ms: n === 0 ? null : tenthsToMs(h.lat_max),
      p95_ms: n === 0 || !percentiles || h.p95 === null ? null : tenthsToMs(bucketValue(h.p95, h.lat_min, h.lat_max)),
      phases: rowPhases(h),
    }
  })
  return { monitor_id: m.id, step, from: iso(a), to: iso(b), points }
}

/** Bucket minute → ISO-8601, formatting each day once (`toISOString` per point was ~1 µs). */
function isoOfMinutes(): (minute: number) => string {
  let day = Number.NaN
  let prefix = ''
  const two = (v: number) => (v < 10 ? `0${v}` : String(v))
  return (minute) => {
    const d = Math.floor(minute / 1440)
    if (d !== day) {
      day = d
      prefix = iso(d * DAY_MS).slice(0, 11)
    }
    const r = minute - d * 1440
    return `${prefix}${two(Math.floor(r / 60))}:${two(r % 60)}:00.000Z`
  }
}

export function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const it of items) {
    const k = key(it)
    const l = out.get(k)
    if (l) l.push(it)
    else out.set(k, [it])
  }
  return out
}
