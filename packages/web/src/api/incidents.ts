import type { INCIDENT_UPDATE_STATUSES, IncidentDetailDto, IncidentSummaryDto, ProbeDto } from '@whatisup/shared'
import { api } from './index'

export type IncidentUpdateStatus = (typeof INCIDENT_UPDATE_STATUSES)[number]
export type IncidentUpdateDto = IncidentDetailDto['updates'][number]
export type IncidentEventDto = IncidentDetailDto['timeline'][number]

/** `resolved` filters by state; open incidents are listed whatever `days` says. */
export interface IncidentListParams {
  resolved?: boolean | undefined
  days?: number
  limit?: number
}

const path = (id: string, rest = '') => `/incidents/${encodeURIComponent(id)}${rest}`

export const listIncidents = (params: IncidentListParams = {}) =>
  api.get<IncidentSummaryDto[]>('/incidents', {
    query: {
      days: 30,
      limit: 200,
      ...params,
      resolved: params.resolved === undefined ? undefined : String(params.resolved),
    },
  })
export const getIncident = (id: string) => api.get<IncidentDetailDto>(path(id))
export const bulkAck = (ids: readonly string[]) => api.post<{ affected: number }>('/incidents/bulk-ack', { ids })
export const ackIncident = (id: string) => api.post<IncidentDetailDto>(path(id, '/ack'))
export const unackIncident = (id: string) => api.post<IncidentDetailDto>(path(id, '/unack'))
export const snoozeIncident = (id: string, minutes: number) =>
  api.post<IncidentDetailDto>(path(id, '/snooze'), { duration_minutes: minutes })
export const unsnoozeIncident = (id: string) => api.post<IncidentDetailDto>(path(id, '/unsnooze'))
export const addIncidentUpdate = (
  id: string,
  body: { status: IncidentUpdateStatus; message: string; is_public: boolean },
) => api.post<IncidentUpdateDto[]>(path(id, '/updates'), body)
export const deleteIncidentUpdate = (id: string, updateId: string) =>
  api.delete(path(id, `/updates/${encodeURIComponent(updateId)}`))
export const getPostmortem = (id: string) => api.get<{ content: string; generated_at: string }>(path(id, '/postmortem'))

/** Probe names for the affected-probe columns; only superadmins may list probes. */
export const listProbes = () => api.get<ProbeDto[]>('/probes')
