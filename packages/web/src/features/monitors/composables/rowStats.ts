import { api } from '../../../api/index'

/** One row's 24 h figures (server: modules/analytics/list-stats.service.ts, `ListStats`). */
export interface RowStats {
  uptime_24h: number | null
  p95_response_time_ms: number | null
  avg_response_time_ms: number | null
  /** Average latency per hour over the last 24 h, oldest first (null: no data that hour). */
  sparkline: (number | null)[]
}

/**
 * Ids per request. The endpoint takes up to 500, but 500 uuids make an 18.5 KB URL, past Node's
 * 16 KB request-head limit (answered 431): a 500-row page asks in two halves, smaller pages once.
 */
export const ROW_STATS_IDS_PER_REQUEST = 250

/**
 * 24 h uptime, latency and sparkline for a page of monitors; ids the caller may not see are simply
 * absent from the answer.
 */
export async function fetchRowStats(ids: readonly string[]): Promise<Record<string, RowStats>> {
  const chunks: string[][] = []
  for (let i = 0; i < ids.length; i += ROW_STATS_IDS_PER_REQUEST)
    chunks.push(ids.slice(i, i + ROW_STATS_IDS_PER_REQUEST))
  const parts = await Promise.all(
    chunks.map((chunk) =>
      api.get<Record<string, RowStats>>('/analytics/monitors', { query: { ids: chunk.join(',') } }),
    ),
  )
  return Object.assign({}, ...parts) as Record<string, RowStats>
}
