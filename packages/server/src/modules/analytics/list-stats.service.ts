import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { HOUR_MS, MINUTE_MS } from '../../storage/timeseries/buckets.js'
import { type MinuteCounts, newAcc, newCounts, type RollupAcc } from '../../storage/timeseries/rollup.js'
import { consensusUptime, latencyStats, mergeRows } from './stats.js'

export interface ListStats {
  uptime_24h: number | null
  p95_response_time_ms: number | null
  avg_response_time_ms: number | null
  /** Average latency per hour over the last 24 h, oldest first (null: no data that hour). */
  sparkline: (number | null)[]
}

/**
 * Row statistics for a page of the monitors list, in two queries whatever the page size: the
 * last 24 hourly rollup rows per probe and the hourly consensus rows. Hour precision (the current
 * hour included so far). Callers pass only monitors the user may see.
 */
export async function listStats(deps: Deps, monitorIds: readonly string[]): Promise<Map<string, ListStats>> {
  const out = new Map<string, ListStats>()
  const now = deps.clock.now()
  const to = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS
  const from = to - 24 * HOUR_MS
  const mk = await deps.repos.series.findMonitorKeys(monitorIds)
  const mkeys = [...mk.values()]
  const series = await deps.repos.series.seriesOf(mkeys)
  const skeys = series.map((s) => s.skey)
  const [totals, hourly, cons] = await Promise.all([
    deps.repos.rollups.sums(skeys, '1h', from / MINUTE_MS, to / MINUTE_MS, 'skey', { hist: true }),
    deps.repos.rollups.latencySums(skeys, '1h', from / MINUTE_MS, to / MINUTE_MS),
    deps.repos.rollups.consensusRows(mkeys, '1h', from / MINUTE_MS, to / MINUTE_MS, { byBucket: false }),
  ])
  const mkeyOf = new Map(series.map((s) => [s.skey, s.mkey]))
  const accs = new Map<number, RollupAcc>()
  for (const r of totals) {
    const mkey = mkeyOf.get(r.skey)
    if (mkey === undefined) continue
    let acc = accs.get(mkey)
    if (!acc) {
      acc = newAcc()
      accs.set(mkey, acc)
    }
    mergeRows([r], acc)
  }
  const spark = new Map<number, Float64Array>()
  for (const r of hourly) {
    const mkey = mkeyOf.get(r.skey)
    if (mkey === undefined) continue
    let sp = spark.get(mkey)
    if (!sp) {
      sp = new Float64Array(48)
      spark.set(mkey, sp)
    }
    const i = (r.bucket * MINUTE_MS - from) / HOUR_MS
    sp[i * 2] = (sp[i * 2] ?? 0) + r.lat_sum
    sp[i * 2 + 1] = (sp[i * 2 + 1] ?? 0) + r.n
  }
  const views = new Map<number, { internal: MinuteCounts; external: MinuteCounts }>()
  for (const c of cons) {
    let v = views.get(c.mkey)
    if (!v) {
      v = { internal: newCounts(), external: newCounts() }
      views.set(c.mkey, v)
    }
    const x = c.net === 1 ? v.internal : v.external
    x.up += c.up
    x.degraded += c.degraded
    x.down += c.down
    x.maint += c.maint
  }
  for (const id of monitorIds) {
    const mkey = mk.get(id)
    const acc = mkey === undefined ? undefined : accs.get(mkey)
    const v = mkey === undefined ? undefined : views.get(mkey)
    const u = v ? consensusUptime(v, 2) : null
    const lat = acc ? latencyStats(acc) : null
    const sp = mkey === undefined ? undefined : spark.get(mkey)
    out.set(id, {
      uptime_24h: u && u.headline_view !== null ? u.uptime_percent : null,
      p95_response_time_ms: lat?.p95_ms ?? null,
      avg_response_time_ms: lat?.avg_ms ?? null,
      sparkline: Array.from({ length: 24 }, (_, i) => {
        const n = sp?.[i * 2 + 1] ?? 0
        return n === 0 ? null : Math.round(((sp?.[i * 2] ?? 0) / 10 / n) * 10) / 10
      }),
    })
  }
  return out
}

/** GET /analytics/monitors?ids=a,b,c: the same, for the ids among them the caller may see. */
export async function listStatsVisible(deps: Deps, ctx: RequestContext, ids: readonly string[]) {
  const visible = await deps.repos.analytics.visibleMonitors(ctx, [...new Set(ids)].slice(0, 500))
  return Object.fromEntries(
    await listStats(
      deps,
      visible.map((m) => m.id),
    ),
  )
}
