import type {
  BulkActionInput,
  BulkResultDto,
  GroupCreateInput,
  GroupUpdateInput,
  Monitor,
  MonitorGroup,
  Tag,
  TagCreateInput,
  TagUpdateInput,
} from '@whatisup/shared'
import { ApiError, api } from '../../api/index'

/** Calls of the groups, tags and bulk-monitor API (server contract: shared/src/groups.ts). */

const g = (id: string) => `/groups/${encodeURIComponent(id)}`
const tg = (id: string) => `/tags/${encodeURIComponent(id)}`

export const listGroups = () => api.get<MonitorGroup[]>('/groups')
export const getGroup = (id: string) => api.get<MonitorGroup>(g(id))
export const createGroup = (input: GroupCreateInput) => api.post<MonitorGroup>('/groups', input)
export const updateGroup = (id: string, patch: GroupUpdateInput) => api.patch<MonitorGroup>(g(id), patch)
export const deleteGroup = (id: string) => api.delete(g(id))
/** The most members the group page lists (the endpoint's page cap); the monitors list pages through the rest. */
export const GROUP_PAGE_MAX = 500

/** The group's first `limit` monitors by name, and how many it has in all. */
export async function groupMonitors(id: string, limit = GROUP_PAGE_MAX): Promise<{ items: Monitor[]; total: number }> {
  const res = await api.request<Monitor[]>('GET', `${g(id)}/monitors`, { query: { limit } })
  const total = Number(res.headers.get('X-Total-Count') ?? res.data.length)
  return { items: res.data, total: Number.isFinite(total) ? total : res.data.length }
}

export const listTags = () => api.get<Tag[]>('/tags')
export const createTag = (input: TagCreateInput) => api.post<Tag>('/tags', input)
export const updateTag = (id: string, patch: TagUpdateInput) => api.patch<Tag>(tg(id), patch)
export const deleteTag = (id: string) => api.delete(tg(id))

/** The bulk endpoint takes at most this many ids per call. */
export const BULK_MAX_IDS = 200

/**
 * One bulk action over any number of monitors: sent in chunks the endpoint accepts, one after the
 * other, with the answers added up.
 *
 * @example
 * await bulkMonitors({ ids, action: 'add_tags', tags: ['env:prod'] }) // → { affected: 3, not_found: [] }
 */
export async function bulkMonitors(input: BulkActionInput): Promise<BulkResultDto> {
  const out: BulkResultDto = { affected: 0, not_found: [] }
  for (let i = 0; i < input.ids.length; i += BULK_MAX_IDS) {
    const res = await api.post<BulkResultDto>('/monitors/bulk', { ...input, ids: input.ids.slice(i, i + BULK_MAX_IDS) })
    out.affected += res.affected
    out.not_found.push(...res.not_found)
  }
  return out
}

/** A group's scheduled SLA report e-mail (weekly or monthly), with its recent deliveries. */
export interface ReportSchedule {
  group_id: string
  schedule: 'weekly' | 'monthly'
  recipients: string[]
  timezone: string
  channel_id: string
  enabled: boolean
  recent: Array<{
    from: string
    to: string
    status: 'pending' | 'sent' | 'failed'
    sent_at: string | null
    last_error: string | null
  }>
}
export type ReportScheduleInput = Omit<ReportSchedule, 'group_id' | 'recent'>

/** The group's report schedule, or null when none is set. */
export const getReportSchedule = (id: string) =>
  api.get<ReportSchedule>(`${g(id)}/report-schedule`).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  })
export const putReportSchedule = (id: string, input: ReportScheduleInput) =>
  api.request<ReportSchedule>('PUT', `${g(id)}/report-schedule`, { body: input }).then((r) => r.data)
