import type { Deps } from '../core/deps.js'
import { DAY_MS } from '../storage/timeseries/buckets.js'
import { partitionName } from '../storage/timeseries/partitions.js'
import { pause } from './retention.js'

const SERIES_CHUNK = 200

/** A day is packed once it ended this long ago: results that arrive late for it are rare by then. */
export const PACK_AFTER_MS = 2 * 3_600_000

/**
 * PostgreSQL: packs each day partition of raw rows that ended at least two hours ago into one row
 * per series and day (~14 bytes a result instead of ~75), then drops the row partition. Rows move
 * (`delete … returning`) into their packed row in transactions of a few series; the last
 * transaction blocks writes into the partition, packs what arrived meanwhile and drops it, so no
 * acknowledged result is dropped unpacked. Late rows for a packed day land in a recreated row
 * partition and are merged on the next run. Idempotent; safe to stop at any point.
 */
export async function compactRawDays(deps: Deps): Promise<{ days: string[]; results: number }> {
  const storage = deps.repos.storage
  if (storage.dialect !== 'postgres') return { days: [], results: 0 }
  const before = Math.floor((deps.clock.now() - PACK_AFTER_MS) / DAY_MS) * DAY_MS
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
    results += await storage.packRestAndDrop(p.name, p.day)
    deps.repos.results.forgetPartition(p.day)
    done.push(partitionName('ts_results', p.day))
  }
  return { days: done, results }
}
