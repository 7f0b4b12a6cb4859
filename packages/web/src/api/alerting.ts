import { api } from './index'

// Mirrors the server's alerting DTOs (packages/server/src/modules/alerting/alerting.schemas.ts).

export const ALERT_CONDITIONS = [
  'any_down',
  'all_down',
  'degraded',
  'ssl_expiry',
  'domain_expiry',
  'response_time_above',
  'response_time_above_baseline',
  'anomaly',
  'slo_burn_fast',
  'slo_burn_slow',
  'flapping',
  'probe_offline',
] as const
export type AlertCondition = (typeof ALERT_CONDITIONS)[number]

export const CHANNEL_KINDS = [
  'email',
  'webhook',
  'slack',
  'discord',
  'teams',
  'mattermost',
  'telegram',
  'pagerduty',
  'opsgenie',
  'signal',
  'ntfy',
  'gotify',
  'pushover',
  'matrix',
  'google_chat',
  'web_push',
] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

export interface BusinessHours {
  timezone: string
  days: number[]
  start: string
  end: string
}

export interface RuleParams {
  threshold: number | null
  min_duration_seconds: number
  renotify_minutes: number
  schedule: BusinessHours | null
  storm_max: number | null
  storm_window_seconds: number
  digest_minutes: number
}

export type RuleTarget =
  | { kind: 'monitor'; monitor_id: string }
  | { kind: 'group'; group_id: string }
  | { kind: 'tag'; tags: string[] }
  | { kind: 'all' }
  | { kind: 'probes' }

export interface AlertRule extends RuleParams {
  id: string
  name: string
  condition: AlertCondition
  target: RuleTarget
  enabled: boolean
  channel_ids: string[]
  owner_id: string
  created_at: string
  updated_at: string
}
export type RuleInput = RuleParams & {
  name: string
  condition: AlertCondition
  target: RuleTarget
  enabled: boolean
  channel_ids: string[]
}

export interface Channel {
  id: string
  name: string
  kind: ChannelKind
  config: Record<string, unknown>
  secrets_set: string[]
  enabled: boolean
  locale: 'en' | 'fr' | null
  template: string | null
  allow_private: boolean
  owner_id: string
  created_at: string
  updated_at: string
}
export interface ChannelInput {
  name: string
  kind: ChannelKind
  config: Record<string, unknown>
  enabled: boolean
  locale: 'en' | 'fr' | null
  template: string | null
  allow_private?: boolean
}

/** JSON Schema of a kind's config, as the server describes it (zod → JSON Schema, input side). */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  enum?: (string | number)[]
  default?: unknown
  items?: JsonSchema
  minimum?: number
  maximum?: number
  format?: string
  anyOf?: JsonSchema[]
  const?: unknown
  additionalProperties?: JsonSchema | boolean
}
export interface ChannelKindInfo {
  kind: ChannelKind
  lan: boolean
  secrets: string[]
  schema: JsonSchema
}

export interface MatrixRow extends RuleParams {
  condition: AlertCondition
  rule_id: string | null
  enabled: boolean
  channel_ids: string[]
}
export interface Matrix {
  monitor_id: string
  check_type: string
  conditions: AlertCondition[]
  rows: MatrixRow[]
}
export type MatrixRowInput = Omit<MatrixRow, 'rule_id'>

export interface Preview {
  window_days: number
  counts: { condition: AlertCondition; count: number }[]
  total: number
}

export interface Template {
  id: string
  name: string
  description: string | null
  check_type: string
  builtin: boolean
  rows: (RuleParams & { condition: AlertCondition; enabled: boolean })[]
}

export interface NotificationEntry {
  id: string
  at: string
  rule: { id: string; name: string | null } | null
  channel: { id: string; name: string | null; kind: string | null } | null
  condition: string
  event: 'opened' | 'escalated' | 'renotify' | 'resolved' | 'digest' | 'test'
  decision: 'send' | 'skip'
  reason: string | null
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped'
  attempts: number
  last_error: string | null
  response: string | null
  sent_at: string | null
}

const enc = encodeURIComponent

export const listChannelKinds = () => api.get<ChannelKindInfo[]>('/alerts/channel-kinds')
export const listChannels = () => api.get<Channel[]>('/alerts/channels')
export const createChannel = (input: ChannelInput) => api.post<Channel>('/alerts/channels', input)
export const updateChannel = (id: string, patch: Partial<ChannelInput>) =>
  api.patch<Channel>(`/alerts/channels/${enc(id)}`, patch)
export const deleteChannel = (id: string) => api.delete(`/alerts/channels/${enc(id)}`)
export const testChannel = (id: string) =>
  api.post<{ success: boolean; detail: string }>(`/alerts/channels/${enc(id)}/test`)

export const listRules = () => api.get<AlertRule[]>('/alerts/rules')
export const createRule = (input: RuleInput) => api.post<AlertRule>('/alerts/rules', input)
export const updateRule = (
  id: string,
  patch: Partial<RuleParams> & { name?: string; enabled?: boolean; channel_ids?: string[] },
) => api.patch<AlertRule>(`/alerts/rules/${enc(id)}`, patch)
export const deleteRule = (id: string) => api.delete(`/alerts/rules/${enc(id)}`)

export const getMatrix = (monitorId: string) => api.get<Matrix>(`/alerts/monitors/${enc(monitorId)}/matrix`)
export const putMatrix = (monitorId: string, rows: MatrixRowInput[]) =>
  api.request<Matrix>('PUT', `/alerts/monitors/${enc(monitorId)}/matrix`, { body: { rows } }).then((r) => r.data)
export const previewMatrix = (monitorId: string, rows: MatrixRowInput[], signal?: AbortSignal) =>
  api.post<Preview>(`/alerts/monitors/${enc(monitorId)}/matrix/preview`, { rows }, signal ? { signal } : {})
export const applyTemplate = (monitorId: string, templateId: string, channelIds: string[]) =>
  api.post<Matrix>(`/alerts/monitors/${enc(monitorId)}/matrix/apply`, {
    template_id: templateId,
    channel_ids: channelIds,
  })

export const listTemplates = (checkType?: string) =>
  api.get<Template[]>('/alerts/templates', { query: { check_type: checkType } })
export const createTemplate = (input: Omit<Template, 'id' | 'builtin'>) =>
  api.post<Template>('/alerts/templates', input)
export const deleteTemplate = (id: string) => api.delete(`/alerts/templates/${enc(id)}`)

export const incidentNotifications = (incidentId: string) =>
  api.get<NotificationEntry[]>(`/incidents/${enc(incidentId)}/notifications`)
