import type { Deps } from '../core/deps.js'
import { LAST_RUN_KEY } from '../modules/analytics/storage-status.service.js'
import { detailCutoff, rawCutoff } from '../modules/ingestion/retention-policy.js'
import type { TsTable } from '../storage/repositories/storage.repository.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, TIER_RETENTION_MS } from '../storage/timeseries/buckets.js'
import { type PartitionedTable, partitionName } from '../storage/timeseries/partitions.js'

/** Lets ingestion in between: one bounded statement, then back to the event loop. */
export const pause = (): Promise<void> => new Promise((r) => setImmediate(r))

const KEY_CHUNK = 100
/** Aim per DELETE: a few milliseconds of SQLite's single writer. */
const TARGET_ROWS = 5000

/**
 * Deletes rows of `table` older than `cutoff` for every key, a key chunk × a time slice per
 * statement. The slice adapts to the rows found, so a year of backlog and an hour of routine
 * cost a similar number of short statements per key chunk.
 */
export async function purgeBefore(
  deps: Deps,
  table: TsTable,
  cutoff: number,
  keys?: readonly number[],
): Promise<number> {
  const storage = deps.repos.storage
  const all = keys ?? (await storage.keys(table))
  let deleted = 0
  for (let i = 0; i < all.length; i += KEY_CHUNK) {
    const chunk = all.slice(i, i + KEY_CHUNK)
    let lo = await storage.oldest(table, chunk)
    if (lo === null || lo >= cutoff) continue
    let step = /_1d|_1w|_4w/.test(table) ? 30 * DAY_MS : table.includes('_1h') ? DAY_MS : HOUR_MS
    while (lo < cutoff) {
      const hi = Math.min(lo + step, cutoff)
      const n = await storage.deleteRange(table, chunk, lo, hi)
      deleted += n
      lo = hi
      if (n < TARGET_ROWS / 4) step *= 2
      else if (n > TARGET_ROWS) step = Math.max(MINUTE_MS, Math.floor(step / 2))
      await pause()
    }
  }
  return deleted
}

/** Every row of these keys (a deleted monitor's data), in the same bounded statements. */
async function purgeKeys(deps: Deps, table: TsTable, keys: readonly number[]): Promise<number> {
  if (keys.length === 0) return 0
  const horizon = deps.clock.now() + 2 * DAY_MS
  let n = await purgeBefore(deps, table, horizon, keys)
  // Anything stamped beyond the horizon (a probe with a wrong clock): one last sweep.
  n += await deps.repos.storage.deleteRange(table, keys, -Infinity, Infinity)
  return n
}

export interface RetentionReport {
  deleted: Partial<Record<TsTable, number>>
  droppedPartitions: string[]
  orphanMonitors: number
  freePagesLeft: number
}

/** The cutoff of each time-series table now (undefined: kept forever). */
export function cutoffs(deps: Deps, now: number): Partial<Record<TsTable, number>> {
  const raw = rawCutoff(deps.config, now)
  const minute = now - TIER_RETENTION_MS['1m']
  const hour = now - TIER_RETENTION_MS['1h']
  return {
    ...(Number.isFinite(raw) ? { ts_results: raw, ts_results_packed: raw, metric_points: raw } : {}),
    ts_result_details: detailCutoff(deps.config, now),
    ts_rollup_1m: minute,
    ts_consensus_1m: minute,
    ts_rollup_1h: hour,
    ts_consensus_1h: hour,
    metric_rollup_1h: hour,
    // Whole chart days only: a day's row stands for all its hours.
    ts_chart_1h: Math.floor(hour / DAY_MS) * DAY_MS,
  }
}

/**
 * One retention pass: raw and details past retention (PostgreSQL drops whole day partitions),
 * minute and hour tiers past theirs, data of deleted monitors; then SQLite hands freed pages back.
 */
export async function runRetention(deps: Deps): Promise<RetentionReport> {
  const now = deps.clock.now()
  const storage = deps.repos.storage
  const report: RetentionReport = { deleted: {}, droppedPartitions: [], orphanMonitors: 0, freePagesLeft: 0 }
  for (const [table, cutoff] of Object.entries(cutoffs(deps, now)) as [TsTable, number][]) {
    if (storage.dialect === 'postgres' && isPartitioned(table)) {
      report.droppedPartitions.push(...(await dropPartitionsBefore(deps, table, cutoff)))
      continue
    }
    report.deleted[table] = await purgeBefore(deps, table, cutoff)
  }

  const orphans = await storage.orphans()
  report.orphanMonitors = orphans.mkeys.length
  for (const table of [
    'ts_results',
    'ts_result_details',
    'ts_rollup_1m',
    'ts_rollup_1h',
    'ts_rollup_1d',
    'ts_rollup_1w',
    'ts_rollup_4w',
  ] as const)
    report.deleted[table] = (report.deleted[table] ?? 0) + (await purgeKeys(deps, table, orphans.skeys))
  for (const table of [
    'ts_consensus_1m',
    'ts_consensus_1h',
    'ts_consensus_1d',
    'ts_consensus_1w',
    'ts_consensus_4w',
    'ts_chart_1h',
  ] as const)
    report.deleted[table] = (report.deleted[table] ?? 0) + (await purgeKeys(deps, table, orphans.mkeys))
  for (const table of ['metric_points', 'metric_rollup_1h', 'metric_rollup_1d'] as const)
    report.deleted[table] = (report.deleted[table] ?? 0) + (await purgeKeys(deps, table, orphans.metrics))
  await storage.forgetKeys(orphans)
  if (orphans.mkeys.length > 0) deps.repos.series.clearCache()

  report.freePagesLeft = await vacuumFreePages(deps)
  await deps.repos.settings.set(LAST_RUN_KEY, String(now))
  return report
}

export const isPartitioned = (t: TsTable): t is PartitionedTable =>
  t === 'ts_results' || t === 'ts_result_details' || t === 'ts_results_packed'

/** PostgreSQL: drops day partitions that end at or before the cutoff (whole days only). */
export async function dropPartitionsBefore(deps: Deps, table: PartitionedTable, cutoff: number): Promise<string[]> {
  const dropped: string[] = []
  for (const p of await deps.repos.storage.listDayPartitions(table)) {
    if (p.day + DAY_MS > cutoff) break
    await deps.repos.storage.dropPartition(p.name)
    dropped.push(p.name)
  }
  if (dropped.length > 0) deps.repos.results.forgetPartitionsBefore(Math.floor(cutoff / DAY_MS) * DAY_MS)
  return dropped
}

/** PostgreSQL: today's and the next `ahead` days' partitions exist before results arrive. */
export async function ensurePartitionsAhead(deps: Deps, ahead = 3): Promise<string[]> {
  if (deps.repos.storage.dialect !== 'postgres') return []
  const today = Math.floor(deps.clock.now() / DAY_MS) * DAY_MS
  const days = Array.from({ length: ahead + 2 }, (_, i) => today + (i - 1) * DAY_MS)
  await deps.repos.storage.createDayPartitions(days)
  return days.map((d) => partitionName('ts_results', d))
}

/** SQLite: returns free pages to the OS a few MiB at a time, yielding in between. */
export async function vacuumFreePages(deps: Deps, maxSteps = 10_000): Promise<number> {
  let left = 0
  for (let i = 0; i < maxSteps; i++) {
    left = await deps.repos.storage.incrementalVacuum(1024)
    if (left === 0) break
    await pause()
  }
  return left
}
