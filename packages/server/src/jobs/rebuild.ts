import type { Deps } from '../core/deps.js'
import { DAY_MS } from '../storage/timeseries/buckets.js'
import { pause } from './retention.js'

export interface RebuildOptions {
  /** Only these monitors (ids); all by default. */
  monitorIds?: readonly string[]
  /** First UTC day to rebuild (ms). Default: the day after the oldest raw row, whose day is
   *  usually partial (retention cuts hourly) and keeps its rollups; `-Infinity` = every raw day. */
  from?: number
  onProgress?: (p: { monitor: string; days: number; results: number }) => void
}

/**
 * Recomputes rollups from raw results, one (monitor, UTC day) per transaction so ingestion keeps
 * flowing. Days without raw rows (past raw retention) keep their rollups.
 */
export async function rebuildRollups(
  deps: Deps,
  opts: RebuildOptions = {},
): Promise<{ monitors: number; days: number; results: number }> {
  const now = deps.clock.now()
  const ids = opts.monitorIds ?? (await allMonitorIds(deps))
  const mkeys = await deps.repos.series.findMonitorKeys(ids)
  let days = 0
  let results = 0
  for (const [monitorId, mkey] of mkeys) {
    const series = await deps.repos.series.seriesOf([mkey])
    const skeys = series.map((s) => s.skey)
    const [rows, packed] = await Promise.all([
      deps.repos.storage.oldestAll('ts_results', skeys),
      deps.repos.storage.oldestAll('ts_results_packed', skeys),
    ])
    const oldest = rows === null ? packed : packed === null ? rows : Math.min(rows, packed)
    if (oldest === null) continue
    const firstDay = Math.floor(oldest / DAY_MS) * DAY_MS
    const from = Math.max(firstDay, opts.from ?? firstDay + DAY_MS)
    let n = 0
    let d = 0
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= now; day += DAY_MS) {
      n += await deps.repos.results.rebuildDay(mkey, series, day, now)
      d++
      await pause()
    }
    days += d
    results += n
    opts.onProgress?.({ monitor: monitorId, days: d, results: n })
  }
  return { monitors: mkeys.size, days, results }
}

async function allMonitorIds(deps: Deps): Promise<string[]> {
  return (await deps.repos.analytics.allMonitorsWithState()).map((m) => m.id)
}
