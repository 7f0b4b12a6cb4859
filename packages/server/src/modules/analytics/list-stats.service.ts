import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { HOUR_MS, MINUTE_MS } from '../../storage/timeseries/buckets.js'
import {
  addCounts,
  type MinuteCounts,
  mergeAcc,
  newAcc,
  newCounts,
  type RollupAcc,
} from '../../storage/timeseries/rollup.js'
import { consensusUptime, latencyStats, mergeRows } from './stats.js'

export interface ListStats {
  uptime_24h: number | null
  p95_response_time_ms: number | null
  avg_response_time_ms: number | null
  /** Average latency per hour over the last 24 h, oldest first (null: no data that hour). */
  sparkline: (number | null)[]
}

/** What a window of hours adds up to for one monitor. */
interface Part {
  acc: RollupAcc
  /** Per hour of the window: [Σ latency tenths, latency count]. */
  spark: Float64Array
  views: { internal: MinuteCounts; external: MinuteCounts }
}

const newPart = (hours: number): Part => ({
  acc: newAcc(),
  spark: new Float64Array(hours * 2),
  views: { internal: newCounts(), external: newCounts() },
})

/**
 * The 23 closed hours of each monitor's window, per process, valid until the hour changes: closed
 * hourly rollups only change when a late replay lands (then the list catches up at the next hour),
 * so a list request reads one hourly row per probe, and the whole window once an hour.
 */
const closedCache = new WeakMap<Deps, Map<string, { hour: number; part: Part }>>()

/** Sums hourly rollups and consensus rows of these monitors over [fromHour, fromHour + hours). */
async function readPart(
  deps: Deps,
  mk: Map<string, number>,
  fromMs: number,
  hours: number,
): Promise<Map<number, Part>> {
  const mkeys = [...mk.values()]
  const series = await deps.repos.series.seriesOf(mkeys)
  const skeys = series.map((s) => s.skey)
  const a = fromMs / MINUTE_MS
  const b = a + hours * 60
  const [totals, hourly, cons] = await Promise.all([
    deps.repos.rollups.sums(skeys, '1h', a, b, 'skey', { hist: true }),
    deps.repos.rollups.latencySums(skeys, '1h', a, b),
    deps.repos.rollups.consensusRows(mkeys, '1h', a, b, { byBucket: false }),
  ])
  const out = new Map<number, Part>()
  const part = (mkey: number) => {
    let p = out.get(mkey)
    if (!p) {
      p = newPart(hours)
      out.set(mkey, p)
    }
    return p
  }
  const mkeyOf = new Map(series.map((s) => [s.skey, s.mkey]))
  for (const r of totals) {
    const mkey = mkeyOf.get(r.skey)
    if (mkey !== undefined) mergeRows([r], part(mkey).acc)
  }
  for (const r of hourly) {
    const mkey = mkeyOf.get(r.skey)
    if (mkey === undefined) continue
    const sp = part(mkey).spark
    const i = (r.bucket - a) / 60
    sp[i * 2] = (sp[i * 2] ?? 0) + r.lat_sum
    sp[i * 2 + 1] = (sp[i * 2 + 1] ?? 0) + r.n
  }
  for (const c of cons) {
    addCounts(c.net === 1 ? part(c.mkey).views.internal : part(c.mkey).views.external, c)
  }
  return out
}

/**
 * Row statistics for a page of the monitors list: 24 h consensus uptime, latency avg/p95 and an
 * hourly sparkline, from hourly rollups (hour precision, the current hour so far included).
 * Callers pass only monitors the user may see.
 */
export async function listStats(deps: Deps, monitorIds: readonly string[]): Promise<Map<string, ListStats>> {
  const hour = Math.floor(deps.clock.now() / HOUR_MS) * HOUR_MS
  const from = hour - 23 * HOUR_MS
  const mk = await deps.repos.series.findMonitorKeys(monitorIds)
  let cache = closedCache.get(deps)
  if (!cache) {
    cache = new Map()
    closedCache.set(deps, cache)
  }
  const stale = new Map([...mk].filter(([id]) => cache.get(id)?.hour !== hour))
  const [closed, current] = await Promise.all([
    stale.size === 0 ? new Map<number, Part>() : readPart(deps, stale, from, 23),
    readPart(deps, mk, hour, 1),
  ])
  for (const [id, mkey] of stale) cache.set(id, { hour, part: closed.get(mkey) ?? newPart(23) })

  const out = new Map<string, ListStats>()
  for (const id of monitorIds) {
    const mkey = mk.get(id)
    const past = cache.get(id)?.part
    const now = mkey === undefined ? undefined : current.get(mkey)
    const acc = newAcc()
    const views = { internal: newCounts(), external: newCounts() }
    for (const p of [past, now]) {
      if (!p) continue
      mergeAcc(acc, p.acc)
      for (const k of ['internal', 'external'] as const) addCounts(views[k], p.views[k])
    }
    const spark = (i: number): [number, number] =>
      i < 23 ? [past?.spark[i * 2] ?? 0, past?.spark[i * 2 + 1] ?? 0] : [now?.spark[0] ?? 0, now?.spark[1] ?? 0]
    const u = consensusUptime(views, 2)
    const lat = latencyStats(acc)
    out.set(id, {
      uptime_24h: u.headline_view === null ? null : u.uptime_percent,
      p95_response_time_ms: lat.p95_ms,
      avg_response_time_ms: lat.avg_ms,
      sparkline: Array.from({ length: 24 }, (_, i) => {
        const [sum, n] = spark(i)
        return n === 0 ? null : Math.round((sum / 10 / n) * 10) / 10
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
