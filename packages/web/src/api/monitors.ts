import type { IncidentDto, Monitor, MonitorCreateInput, MonitorUpdateInput, ResultDto } from '@whatisup/shared'
import { api } from './index'

export interface MonitorPage {
  items: Monitor[]
  total: number
}

export async function listMonitors(params: { q?: string; limit?: number; offset?: number }): Promise<MonitorPage> {
  const res = await api.request<Monitor[]>('GET', '/monitors', { query: { limit: 100, ...params } })
  const total = Number(res.headers.get('X-Total-Count') ?? res.data.length)
  return { items: res.data, total: Number.isFinite(total) ? total : res.data.length }
}

export const getMonitor = (id: string) => api.get<Monitor>(`/monitors/${encodeURIComponent(id)}`)
export const createMonitor = (input: MonitorCreateInput) => api.post<Monitor>('/monitors', input)
export const updateMonitor = (id: string, patch: MonitorUpdateInput) =>
  api.patch<Monitor>(`/monitors/${encodeURIComponent(id)}`, patch)
export const deleteMonitor = (id: string) => api.delete(`/monitors/${encodeURIComponent(id)}`)
export const pauseMonitor = (id: string) => api.post<Monitor>(`/monitors/${encodeURIComponent(id)}/pause`)
export const resumeMonitor = (id: string) => api.post<Monitor>(`/monitors/${encodeURIComponent(id)}/resume`)
export const listResults = (id: string, limit = 100) =>
  api.get<ResultDto[]>(`/monitors/${encodeURIComponent(id)}/results`, { query: { limit } })
export const listIncidents = (id: string) => api.get<IncidentDto[]>(`/monitors/${encodeURIComponent(id)}/incidents`)
