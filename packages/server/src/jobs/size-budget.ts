import type { Deps } from '../core/deps.js'
import { NOTICE_KEY, type StorageNotice } from '../modules/analytics/storage-status.service.js'
import type { TsTable } from '../storage/repositories/storage.repository.js'
import { COARSE_MINUTES, type CoarseTier, DAY_MS, HOUR_MS, MINUTE_MS } from '../storage/timeseries/buckets.js'
import { dropPartitionsBefore, isPartitioned, purgeBefore, vacuumFreePages } from './retention.js'

declare module '../core/events.js' {
  interface DomainEvents {
    /** MAX_DB_SIZE was exceeded and the oldest data was discarded to get back under it. */
    StorageBudgetExceeded: {
      sizeBytes: number
      budgetBytes: number
      /** What was discarded, e.g. "raw results before 2026-03-01". */
      actions: string[]
      oldestRawAt: number | null
      at: number
    }
  }
}

/**
 * What goes first when the database is over budget, oldest data first within each step: details,
 * then raw results, then minute, hour and finally day rollups, each down to a floor that keeps the
 * product working (a day of raw, 6 h of minutes, a week of hours, a year of days).
 */
const STEPS: { tables: TsTable[]; floorMs: number; sliceMs: number; label: string }[] = [
  { tables: ['ts_result_details'], floorMs: DAY_MS, sliceMs: DAY_MS, label: 'result details' },
  {
    tables: ['ts_results_packed', 'ts_results', 'ts_result_details'],
    floorMs: DAY_MS,
    sliceMs: DAY_MS,
    label: 'raw results',
  },
  { tables: ['ts_rollup_1m', 'ts_consensus_1m'], floorMs: 6 * HOUR_MS, sliceMs: 6 * HOUR_MS, label: 'minute rollups' },
  {
    tables: ['ts_rollup_1h', 'ts_consensus_1h', 'ts_chart_1h'],
    floorMs: 7 * DAY_MS,
    sliceMs: 7 * DAY_MS,
    label: 'hour rollups',
  },
  {
    tables: ['ts_rollup_1d', 'ts_consensus_1d', 'ts_rollup_1w', 'ts_consensus_1w', 'ts_rollup_4w', 'ts_consensus_4w'],
    floorMs: 365 * DAY_MS,
    sliceMs: 30 * DAY_MS,
    label: 'day rollups',
  },
]

export interface BudgetReport {
  sizeBytes: number
  budgetBytes: number
  actions: string[]
}

/**
 * Enforces MAX_DB_SIZE. On PostgreSQL only dropped partitions shrink the database at once (deleted
 * rows are reused, not returned), so rollup steps run at most once per pass there.
 */
export async function enforceBudget(deps: Deps): Promise<BudgetReport | null> {
  const budget = deps.config.MAX_DB_SIZE
  if (budget <= 0) return null
  const storage = deps.repos.storage
  const now = deps.clock.now()
  let size = await storage.sizeBytes()
  const actions: string[] = []
  const pg = storage.dialect === 'postgres'
  for (const step of STEPS) {
    let guard = 0
    while (size > budget && guard++ < 1000) {
      const oldest = await oldestAmong(deps, step.tables)
      if (oldest === null || oldest >= now - step.floorMs) break
      const cutoff = Math.min(Math.floor(oldest / DAY_MS) * DAY_MS + step.sliceMs, now - step.floorMs)
      for (const table of step.tables) await discard(deps, table, cutoff)
      actions.push(`${step.label} before ${new Date(cutoff).toISOString()}`)
      await vacuumFreePages(deps)
      size = await storage.sizeBytes()
      if (pg && !step.tables.every(isPartitioned)) break
    }
    if (size <= budget) break
  }
  if (actions.length > 0) {
    const oldestRawAt = await oldestAmong(deps, ['ts_results_packed', 'ts_results'])
    deps.events.emit('StorageBudgetExceeded', { sizeBytes: size, budgetBytes: budget, actions, oldestRawAt, at: now })
    deps.log.warn({ sizeBytes: size, budgetBytes: budget, actions }, 'storage budget exceeded: oldest data discarded')
    const notice: StorageNotice = {
      level: 'warning',
      message: `The database reached its size budget (MAX_DB_SIZE); discarded ${summarise(actions)}.`,
      since: now,
      oldest_raw_at: oldestRawAt,
    }
    await deps.repos.settings.set(NOTICE_KEY, JSON.stringify(notice))
  } else if (size < budget * 0.9) {
    // The notice stays a day after the last discard, then clears once comfortably under budget.
    const raw = await deps.repos.settings.get(NOTICE_KEY)
    const notice = raw ? (JSON.parse(raw) as StorageNotice) : null
    if (notice && now - notice.since > DAY_MS) await deps.repos.settings.set(NOTICE_KEY, 'null')
  }
  return { sizeBytes: size, budgetBytes: budget, actions }
}

function summarise(actions: string[]): string {
  const last = new Map<string, string>()
  for (const a of actions) {
    const [label, when] = a.split(' before ')
    last.set(label ?? a, when ?? '')
  }
  return [...last].map(([label, when]) => `${label} before ${when}`).join(', ')
}

async function oldestAmong(deps: Deps, tables: readonly TsTable[]): Promise<number | null> {
  let min: number | null = null
  for (const table of tables) {
    if (deps.repos.storage.dialect === 'postgres' && isPartitioned(table)) {
      if ((await deps.repos.storage.listDayPartitions(table)).length === 0) continue
    }
    const t = await deps.repos.storage.oldestAll(table)
    if (t !== null && (min === null || t < min)) min = t
  }
  return min
}

async function discard(deps: Deps, table: TsTable, cutoff: number): Promise<void> {
  if (deps.repos.storage.dialect === 'postgres' && isPartitioned(table)) {
    await dropPartitionsBefore(deps, table, Math.floor(cutoff / DAY_MS) * DAY_MS)
    return
  }
  // A week or 4-week row goes once its whole period is before the cutoff: one that straddles it
  // still sums days that are kept.
  const tier = /_(1w|4w)$/.exec(table)?.[1] as CoarseTier | undefined
  const size = tier ? (COARSE_MINUTES[tier] - 1) * MINUTE_MS : 0
  await purgeBefore(deps, table, cutoff - size)
}
