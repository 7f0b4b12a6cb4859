import { api } from './index'

/**
 * Mirrors `MaintenanceScheduleInput` in shared (whose zod schemas stay out of the web bundle).
 * Weekly days are 0 = Monday … 6 = Sunday; an `end` at or before `start` runs past midnight.
 */
export type MaintenanceSchedule =
  | { kind: 'once'; starts_at: string; ends_at: string }
  | { kind: 'weekly'; days: number[]; start: string; end: string; timezone: string }
  | { kind: 'cron'; cron: string; duration_minutes: number; timezone: string }

export interface MaintenanceInput {
  name: string
  description: string | null
  /** One monitor; with group_id and tags also null, every monitor of the owner. */
  monitor_id: string | null
  /** A monitor group: the window covers its members at the time it runs. */
  group_id: string | null
  /** Tag labels: the window covers the monitors carrying all of them at the time it runs. */
  tags: string[] | null
  schedule: MaintenanceSchedule
}

export interface MaintenanceWindow extends MaintenanceInput {
  id: string
  active: boolean
  next_start: string | null
  created_at: string
}

export interface SilenceInput {
  name: string
  reason: string | null
  monitor_id: string | null
  /** Tag labels: the silence covers the monitors carrying all of them. */
  tags: string[] | null
  ends_at?: string
  duration_minutes?: number
}

export interface Silence {
  id: string
  name: string
  reason: string | null
  monitor_id: string | null
  tags: string[] | null
  starts_at: string
  ends_at: string
  active: boolean
}

const id = (value: string) => encodeURIComponent(value)

export const listMaintenance = () => api.get<MaintenanceWindow[]>('/maintenance')
export const createMaintenance = (input: MaintenanceInput) => api.post<MaintenanceWindow>('/maintenance', input)
export const updateMaintenance = (windowId: string, input: MaintenanceInput) =>
  api.request<MaintenanceWindow>('PUT', `/maintenance/${id(windowId)}`, { body: input }).then((r) => r.data)
export const deleteMaintenance = (windowId: string) => api.delete(`/maintenance/${id(windowId)}`)

export const listSilences = () => api.get<Silence[]>('/silences')
export const createSilence = (input: SilenceInput) => api.post<Silence>('/silences', input)
export const endSilence = (silenceId: string) => api.post<Silence>(`/silences/${id(silenceId)}/end`)
export const deleteSilence = (silenceId: string) => api.delete(`/silences/${id(silenceId)}`)
