import { api, tokens } from '../../api'

/** Shapes of the analytics API (server: modules/analytics/analytics.schemas.ts). */
export interface MinuteCounts {
  measured: number
  up: number
  degraded: number
  down: number
  maint: number
}
export interface Uptime {
  from: string
  to: string
  precision: '1m' | '1h' | '1d'
  uptime_percent: number
  internal_uptime_percent: number | null
  external_uptime_percent: number | null
  headline_view: 'internal' | 'external' | null
  minutes: MinuteCounts
  downtime_minutes: number
  avg_response_time_ms: number | null
  p95_response_time_ms: number | null
}
export interface HistoryDay {
  date: string
  total: number
  uptime_percent: number
  down_minutes: number
  maintenance_minutes: number
  avg_response_time_ms: number | null
}
export interface PercentileHour {
  hour: string
  p50: number | null
  p95: number | null
  p99: number | null
  count: number
}
export type BurnWindow = '5m' | '30m' | '1h' | '6h' | '24h' | '3d'
export interface Slo {
  slo_target: number
  window_days: number
  uptime_percent: number
  error_budget_total_minutes: number
  error_budget_used_minutes: number
  error_budget_remaining_minutes: number
  error_budget_remaining_percent: number
  burn_rates: Record<BurnWindow, number>
  alerts: { fast_burn: boolean; slow_burn: boolean }
  status: 'healthy' | 'at_risk' | 'critical' | 'exhausted'
}
export interface Annotation {
  id: string
  content: string
  annotated_at: string
  created_by: string | null
}
export interface StorageStatus {
  size_bytes: number
  budget_bytes: number | null
  over_budget: boolean
  notice: { level: 'warning' | 'info'; message: string; since: string; oldest_raw_at: string | null } | null
}
export interface MetricSummary {
  metric_name: string
  unit: string | null
  count: number
  min: number | null
  max: number | null
  avg: number | null
  last_value: number | null
  last_at: string | null
}

const m = (id: string) => `/monitors/${encodeURIComponent(id)}`

export const getUptime = (id: string, hours: number) => api.get<Uptime>(`${m(id)}/uptime`, { query: { hours } })
export const getHistory = (id: string, days = 90) => api.get<HistoryDay[]>(`${m(id)}/history`, { query: { days } })
export const getPercentiles = (id: string, hours = 24) =>
  api.get<PercentileHour[]>(`${m(id)}/percentiles`, { query: { hours } })
export const getSlo = (id: string) => api.get<Slo>(`${m(id)}/slo`)
export const putSlo = (id: string, body: { target: number; window_days: number }) =>
  api.request<Slo>('PUT', `${m(id)}/slo`, { body }).then((r) => r.data)
export const deleteSlo = (id: string) => api.delete(`${m(id)}/slo`)
export const listAnnotations = (id: string) => api.get<Annotation[]>(`${m(id)}/annotations`)
export const addAnnotation = (id: string, content: string) => api.post<Annotation>(`${m(id)}/annotations`, { content })
export const deleteAnnotation = (id: string, aid: string) =>
  api.delete(`${m(id)}/annotations/${encodeURIComponent(aid)}`)
export const getStorageStatus = () => api.get<StorageStatus>('/storage')
export const getMetricSummary = (id: string, hours = 24) =>
  api.get<MetricSummary[]>(`/metrics/${encodeURIComponent(id)}/summary`, { query: { hours } })

/**
 * The SLA report as a file (CSV or printable HTML). The JSON form goes first through the API
 * client, which renews an expired token, then the file is fetched with the fresh one.
 */
export async function fetchReportFile(id: string, from: string, to: string, format: 'csv' | 'html'): Promise<Blob> {
  await api.get(`${m(id)}/report`, { query: { from, to } })
  const qs = new URLSearchParams({ from, to, format })
  const res = await globalThis.fetch(`/api/v1${m(id)}/report?${qs}`, {
    headers: { Authorization: `Bearer ${tokens.access() ?? ''}` },
  })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return res.blob()
}
