import type {
  CheckStatus,
  CompositeMemberDto,
  ManualStateDto,
  MonitoringStatusDto,
  PingDto,
  RunDto,
} from '@whatisup/shared'
import { api } from './index'

const m = (id: string) => `/monitors/${encodeURIComponent(id)}`

export const listPings = (id: string, limit = 50) => api.get<PingDto[]>(`${m(id)}/pings`, { query: { limit } })
export const listRuns = (id: string, limit = 100) => api.get<RunDto[]>(`${m(id)}/runs`, { query: { limit } })

export const listMembers = (id: string) => api.get<CompositeMemberDto[]>(`${m(id)}/composite-members`)
/** Adds a monitor (`monitor_id`) or a monitor group (`group_id`) as a member. */
export const addMember = (
  id: string,
  body: ({ monitor_id: string } | { group_id: string }) & { weight?: number; role?: string | null },
) => api.post<CompositeMemberDto[]>(`${m(id)}/composite-members`, body)
export const updateMember = (id: string, memberId: string, body: { weight?: number; role?: string | null }) =>
  api.patch<CompositeMemberDto[]>(`${m(id)}/composite-members/${encodeURIComponent(memberId)}`, body)
export const removeMember = (id: string, memberId: string) =>
  api.delete(`${m(id)}/composite-members/${encodeURIComponent(memberId)}`)

export const setManualState = (id: string, body: { status: CheckStatus; note: string }) =>
  api.post<ManualStateDto>(`${m(id)}/manual-state`, body)
export const listManualStates = (id: string, limit = 10) =>
  api.get<ManualStateDto[]>(`${m(id)}/manual-state`, { query: { limit } })

export const monitoringStatus = () => api.get<MonitoringStatusDto>('/status/monitoring', { anonymous: true })
