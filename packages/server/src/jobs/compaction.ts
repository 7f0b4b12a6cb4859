import type { Deps } from '../core/deps.js'
import { DAY_MS } from '../storage/timeseries/buckets.js'
import { partitionName } from '../storage/timeseries/partitions.js'
import { pause } from './retention.js'

const SERIES_CHUNK = 200

/**
 * PostgreSQL: packs each day partition of raw rows older than yesterday into one row per series
 * and day (~14 bytes a result instead of ~100), then drops the row partition. Idempotent: a run
 * cut short packs again what it had packed (a union by time) and drops the partition at the end.
 * Late rows for a packed day land in a recreated row partition and are merged on the next run.
 */
export async function compactRawDays(deps: Deps): Promise<{ days: string[]; results: number }> {
  const storage = deps.repos.storage
  if (storage.dialect !== 'postgres') return { days: [], results: 0 }
  const before = Math.floor(deps.clock.now() / DAY_MS) * DAY_MS - DAY_MS
  const done: string[] = []
  let results = 0
  for (const p of await storage.listDayPartitions('ts_results')) {
    if (p.day >= before) break
    await storage.createDayPartitions([p.day])
    const skeys = await storage.partitionSeries(p.name)
    for (let i = 0; i < skeys.length; i += SERIES_CHUNK) {
      results += await storage.packPartition(p.name, p.day, skeys.slice(i, i + SERIES_CHUNK))
      await pause()
    }
    await storage.dropPartition(p.name)
    deps.repos.results.forgetPartition(p.day)
    done.push(partitionName('ts_results', p.day))
  }
  return { days: done, results }
}
