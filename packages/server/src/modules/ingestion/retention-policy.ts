import type { Config } from '../../config/config.js'
import { DAY_MS, HOUR_MS } from '../../storage/timeseries/buckets.js'

/**
 * Raw results checked before this instant are past retention: ingestion rolls them up without
 * storing them raw, and the retention job deletes (SQLite) or drops (PostgreSQL) older rows.
 * Hour-aligned, so each hourly retention pass deletes about an hour of rows.
 */
export function rawCutoff(config: Pick<Config, 'DATA_RETENTION_DAYS'>, now: number): number {
  if (config.DATA_RETENTION_DAYS === 0) return -Infinity
  return Math.floor((now - config.DATA_RETENTION_DAYS * DAY_MS) / HOUR_MS) * HOUR_MS
}

/** Details are kept DETAIL_RETENTION_DAYS, never longer than the raw rows they describe. */
export function detailCutoff(
  config: Pick<Config, 'DATA_RETENTION_DAYS' | 'DETAIL_RETENTION_DAYS'>,
  now: number,
): number {
  const days =
    config.DATA_RETENTION_DAYS === 0
      ? config.DETAIL_RETENTION_DAYS
      : Math.min(config.DATA_RETENTION_DAYS, config.DETAIL_RETENTION_DAYS)
  return Math.floor((now - days * DAY_MS) / HOUR_MS) * HOUR_MS
}
