import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, TIER_RETENTION_MS } from '../../storage/timeseries/buckets.js'
import { invalid, visibleMonitor } from './context.js'
import { round } from './stats.js'

const PUSH_LIMIT_PER_MINUTE = 120
const FUTURE_SLACK_MS = 5 * MINUTE_MS

/** POST /metrics/{monitor_id}: one point of a custom metric (rolled up hourly and daily). */
export async function pushMetric(
  deps: Deps,
  ctx: RequestContext,
  monitorId: string,
  body: { metric_name: string; value: number; unit?: string | undefined; pushed_at?: string | undefined },
) {
  const m = await visibleMonitor(deps, ctx, monitorId, 'monitor:update')
  const wait = await deps.limiter.hit(`metrics:${ctx.userId}`, PUSH_LIMIT_PER_MINUTE, 60_000)
  if (wait > 0)
    throw new AppError('RATE_LIMITED', `at most ${PUSH_LIMIT_PER_MINUTE} points a minute`, { retryAfterSeconds: wait })
  const now = deps.clock.now()
  const at = body.pushed_at === undefined ? now : Date.parse(body.pushed_at)
  if (at > now + FUTURE_SLACK_MS) throw invalid('body.pushed_at', 'is in the future')
  const days = deps.config.DATA_RETENTION_DAYS
  if (days > 0 && at < now - days * DAY_MS) throw invalid('body.pushed_at', `is older than ${days} days`)
  await deps.repos.metrics.push(m.id, body.metric_name, body.unit ?? null, { at, value: body.value }, now)
  return { metric_name: body.metric_name, value: body.value, unit: body.unit ?? null, pushed_at: iso(at) }
}

/** Raw points, newest first (at most `limit`), of one or all metrics. */
export async function listMetricPoints(
  deps: Deps,
  ctx: RequestContext,
  monitorId: string,
  q: {
    metric_name?: string | undefined
    hours: number
    since?: string | undefined
    until?: string | undefined
    limit: number
  },
) {
  const m = await visibleMonitor(deps, ctx, monitorId)
  const now = deps.clock.now()
  const series = (await deps.repos.metrics.listSeries(m.id)).filter(
    (s) => q.metric_name === undefined || s.name === q.metric_name,
  )
  const to = q.until === undefined ? now + 1 : Date.parse(q.until)
  const from = q.since === undefined ? to - q.hours * HOUR_MS : Date.parse(q.since)
  const byId = new Map(series.map((s) => [s.id, s]))
  const points = await deps.repos.metrics.points([...byId.keys()], { from, to, limit: q.limit })
  return points.map((p) => ({
    metric_name: byId.get(p.metric)?.name ?? '',
    value: p.value,
    unit: byId.get(p.metric)?.unit ?? null,
    pushed_at: iso(p.at),
  }))
}

/** Per metric over the last `hours`: count, min, max, avg from rollups; the last value ever pushed. */
export async function metricSummary(deps: Deps, ctx: RequestContext, monitorId: string, hours: number) {
  const m = await visibleMonitor(deps, ctx, monitorId)
  const now = deps.clock.now()
  const series = await deps.repos.metrics.listSeries(m.id)
  const from = now - hours * HOUR_MS
  // Hourly rows while they exist, else daily (windows reaching past the hourly tier's retention).
  const tier = from < now - TIER_RETENTION_MS['1h'] ? '1d' : '1h'
  const size = tier === '1h' ? HOUR_MS : DAY_MS
  const rows = await deps.repos.metrics.rollups(
    series.map((s) => s.id),
    tier,
    (Math.floor(from / size) * size) / MINUTE_MS,
    (Math.floor(now / size) * size + size) / MINUTE_MS,
  )
  return series.map((s) => {
    const rs = rows.filter((r) => r.metric === s.id)
    const n = rs.reduce((a, r) => a + r.n, 0)
    return {
      metric_name: s.name,
      unit: s.unit,
      count: n,
      min: n === 0 ? null : Math.min(...rs.map((r) => r.min)),
      max: n === 0 ? null : Math.max(...rs.map((r) => r.max)),
      avg: n === 0 ? null : round(rs.reduce((a, r) => a + r.sum, 0) / n, 4),
      last_value: s.last_value,
      last_at: iso(s.last_at),
    }
  })
}

/** Chart points of one metric: hourly up to 31 days, daily beyond. */
export async function metricSeries(
  deps: Deps,
  ctx: RequestContext,
  monitorId: string,
  q: { metric_name: string; hours: number },
) {
  const m = await visibleMonitor(deps, ctx, monitorId)
  const now = deps.clock.now()
  const s = (await deps.repos.metrics.listSeries(m.id)).find((x) => x.name === q.metric_name)
  const step = q.hours <= 31 * 24 ? ('1h' as const) : ('1d' as const)
  const size = step === '1h' ? HOUR_MS : DAY_MS
  const to = Math.floor(now / size) * size + size
  const rows = s
    ? await deps.repos.metrics.rollups(
        [s.id],
        step,
        (to - Math.ceil((q.hours * HOUR_MS) / size) * size) / MINUTE_MS,
        to / MINUTE_MS,
      )
    : []
  return {
    metric_name: q.metric_name,
    step,
    points: rows.map((r) => ({
      t: iso(r.bucket * MINUTE_MS),
      count: r.n,
      avg: round(r.sum / r.n, 4),
      min: r.min,
      max: r.max,
    })),
  }
}
