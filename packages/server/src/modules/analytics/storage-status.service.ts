import { iso } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { MINUTE_MS, TIER_RETENTION_MS } from '../../storage/timeseries/buckets.js'

/** Settings keys the storage jobs write and the status endpoint reads (shared by all replicas). */
export const NOTICE_KEY = 'storage.notice'
export const LAST_RUN_KEY = 'storage.last_retention_run'

export interface StorageNotice {
  level: 'warning' | 'info'
  message: string
  since: number
  oldest_raw_at: number | null
}

/** GET /api/v1/storage: size against the budget, retention settings and the notice to show. */
export async function getStorageStatus(deps: Deps) {
  const [size, noticeJson, lastRun, coarse] = await Promise.all([
    deps.repos.storage.sizeBytes(),
    deps.repos.settings.get(NOTICE_KEY),
    deps.repos.settings.get(LAST_RUN_KEY),
    deps.repos.coarse.availability(),
  ])
  const through = (m: number | undefined) => (m === undefined ? null : iso(m * MINUTE_MS))
  const notice = noticeJson ? (JSON.parse(noticeJson) as StorageNotice) : null
  const budget = deps.config.MAX_DB_SIZE > 0 ? deps.config.MAX_DB_SIZE : null
  return {
    dialect: deps.repos.storage.dialect,
    size_bytes: size,
    budget_bytes: budget,
    over_budget: budget !== null && size > budget,
    notice: notice && {
      level: notice.level,
      message: notice.message,
      since: iso(notice.since),
      oldest_raw_at: iso(notice.oldest_raw_at),
    },
    retention: {
      raw_days: deps.config.DATA_RETENTION_DAYS,
      detail_days: deps.config.DETAIL_RETENTION_DAYS,
      minute_rollups_hours: TIER_RETENTION_MS['1m'] / 3_600_000,
      hour_rollups_days: TIER_RETENTION_MS['1h'] / 86_400_000,
      day_rollups: 'forever' as const,
    },
    last_retention_run_at: lastRun ? iso(Number(lastRun)) : null,
    coarse_rollups: {
      chart_days_built_through: through(coarse.built.chart_1h),
      week_built_through: through(coarse.built['1w']),
      four_week_built_through: through(coarse.built['4w']),
      periods_pending_rebuild: coarse.dirty.size,
    },
  }
}
