import { api } from '../../../api/index'

/** One row's 24 h figures (server: modules/analytics/list-stats.service.ts, `ListStats`). */
export interface RowStats {
  uptime_24h: number | null
  p95_response_time_ms: number | null
  avg_response_time_ms: number | null
  /** Average latency per hour over the last 24 h, oldest first (null: no data that hour). */
  sparkline: (number | null)[]
}

/** The endpoint answers for at most this many ids (the largest page size). */
export const ROW_STATS_MAX = 500

/**
 * 24 h uptime, latency and sparkline for a page of monitors, in one request; ids the caller may
 * not see are simply absent from the answer.
 */
export async function fetchRowStats(ids: readonly string[]): Promise<Record<string, RowStats>> {
  if (ids.length === 0) return {}
  return api.get<Record<string, RowStats>>('/analytics/monitors', {
    query: { ids: ids.slice(0, ROW_STATS_MAX).join(',') },
  })
}
