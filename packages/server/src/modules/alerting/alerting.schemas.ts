import { CHECK_KINDS, MAX_TAGS_PER_MONITOR, TagString } from '@whatisup/shared'
import { z } from 'zod'
import { CHANNEL_KINDS } from './channels/index.js'
import { ALERT_CONDITIONS, MESSAGE_KINDS, SKIP_REASONS } from './types.js'

const Id = z.string().min(1).max(64)
export const IdParams = z.strictObject({ id: Id })
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')

export const ScheduleBody = z.strictObject({
  timezone: z.string().min(1).max(64),
  /** 0 = Monday … 6 = Sunday. */
  days: z.array(z.int().min(0).max(6)).min(1).max(7),
  start: HHMM,
  /** An end at or before the start crosses midnight. */
  end: HHMM,
})

/** A rule's tunables (also one matrix row and one template row, without the channels). */
export const ParamsShape = {
  threshold: z.number().min(0).max(100_000_000).nullable().default(null),
  min_duration_seconds: z.int().min(0).max(86_400).default(0),
  renotify_minutes: z.int().min(0).max(10_080).default(0),
  schedule: ScheduleBody.nullable().default(null),
  storm_max: z.int().min(1).max(1000).nullable().default(null),
  storm_window_seconds: z.int().min(10).max(86_400).default(600),
  digest_minutes: z.int().min(0).max(1440).default(0),
}

const Target = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('monitor'), monitor_id: Id }),
  /** The group's monitors at evaluation time. */
  z.strictObject({ kind: z.literal('group'), group_id: Id }),
  /** The rule owner's monitors carrying every one of these tags (`env:prod`, `critical`). */
  z.strictObject({ kind: z.literal('tag'), tags: z.array(TagString).min(1).max(MAX_TAGS_PER_MONITOR) }),
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('probes') }),
])

/** A stored target as answered: tag selectors saved before tags existed are shown as stored. */
const TargetOut = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('monitor'), monitor_id: z.string() }),
  z.object({ kind: z.literal('group'), group_id: z.string() }),
  z.object({ kind: z.literal('tag'), tags: z.array(z.string()) }),
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('probes') }),
])

export const RuleCreateBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  condition: z.enum(ALERT_CONDITIONS),
  target: Target,
  enabled: z.boolean().default(true),
  channel_ids: z.array(Id).max(20).default([]),
  ...ParamsShape,
})
export type RuleCreateInput = z.output<typeof RuleCreateBody>

export const RulePatchBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  enabled: z.boolean().optional(),
  channel_ids: z.array(Id).max(20).optional(),
  threshold: ParamsShape.threshold.unwrap().optional(),
  min_duration_seconds: ParamsShape.min_duration_seconds.unwrap().optional(),
  renotify_minutes: ParamsShape.renotify_minutes.unwrap().optional(),
  schedule: ParamsShape.schedule.unwrap().optional(),
  storm_max: ParamsShape.storm_max.unwrap().optional(),
  storm_window_seconds: ParamsShape.storm_window_seconds.unwrap().optional(),
  digest_minutes: ParamsShape.digest_minutes.unwrap().optional(),
})
export type RulePatchInput = z.output<typeof RulePatchBody>

const ParamsOut = z.object({
  threshold: z.number().nullable(),
  min_duration_seconds: z.int(),
  renotify_minutes: z.int(),
  schedule: ScheduleBody.nullable(),
  storm_max: z.int().nullable(),
  storm_window_seconds: z.int(),
  digest_minutes: z.int(),
})

export const RuleOut = z.object({
  id: z.string(),
  name: z.string(),
  condition: z.enum(ALERT_CONDITIONS),
  target: TargetOut,
  enabled: z.boolean(),
  channel_ids: z.array(z.string()),
  owner_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  ...ParamsOut.shape,
})
export type RuleOutDto = z.infer<typeof RuleOut>

const Locale = z.enum(['en', 'fr'])

export const ChannelCreateBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  kind: z.enum(CHANNEL_KINDS),
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean().default(true),
  locale: Locale.nullable().default(null),
  template: z.string().max(8000).nullable().default(null),
  /** Webhook / e-mail only, superadmin only: reach private and loopback addresses. */
  allow_private: z.boolean().default(false),
})
export type ChannelCreateInput = z.output<typeof ChannelCreateBody>

export const ChannelPatchBody = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  /** Secret fields sent as "" (or left out) keep their stored value. */
  config: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().optional(),
  locale: Locale.nullable().optional(),
  template: z.string().max(8000).nullable().optional(),
  allow_private: z.boolean().optional(),
})
export type ChannelPatchInput = z.output<typeof ChannelPatchBody>

export const ChannelOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  /** Secret fields always read back as "". */
  config: z.record(z.string(), z.unknown()),
  secrets_set: z.array(z.string()),
  enabled: z.boolean(),
  locale: Locale.nullable(),
  template: z.string().nullable(),
  allow_private: z.boolean(),
  owner_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
})
export type ChannelOutDto = z.infer<typeof ChannelOut>

export const ChannelKindOut = z.object({
  kind: z.enum(CHANNEL_KINDS),
  lan: z.boolean(),
  secrets: z.array(z.string()),
  /** JSON Schema of the config (input side: fields with defaults are optional). */
  schema: z.record(z.string(), z.unknown()),
})

export const TestResultOut = z.object({ success: z.boolean(), detail: z.string() })

export const MatrixRowBody = z.strictObject({
  condition: z.enum(ALERT_CONDITIONS),
  enabled: z.boolean().default(true),
  channel_ids: z.array(Id).max(20).default([]),
  ...ParamsShape,
})
export type MatrixRowInput = z.output<typeof MatrixRowBody>
export const MatrixBody = z.strictObject({ rows: z.array(MatrixRowBody).max(ALERT_CONDITIONS.length) })

export const MatrixRowOut = z.object({
  condition: z.enum(ALERT_CONDITIONS),
  rule_id: z.string().nullable(),
  enabled: z.boolean(),
  channel_ids: z.array(z.string()),
  ...ParamsOut.shape,
})
export const MatrixOut = z.object({
  monitor_id: z.string(),
  check_type: z.string(),
  conditions: z.array(z.enum(ALERT_CONDITIONS)),
  rows: z.array(MatrixRowOut),
})
export type MatrixOutDto = z.infer<typeof MatrixOut>

export const PreviewOut = z.object({
  window_days: z.int(),
  counts: z.array(z.object({ condition: z.enum(ALERT_CONDITIONS), count: z.int() })),
  total: z.int(),
})
export type PreviewOutDto = z.infer<typeof PreviewOut>

export const ApplyTemplateBody = z.strictObject({ template_id: Id, channel_ids: z.array(Id).max(20).default([]) })

export const TemplateRowBody = z.strictObject({
  condition: z.enum(ALERT_CONDITIONS),
  enabled: z.boolean().default(true),
  ...ParamsShape,
})
export const TemplateBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).nullable().default(null),
  check_type: z.enum(CHECK_KINDS),
  rows: z.array(TemplateRowBody).min(1).max(ALERT_CONDITIONS.length),
})
export type TemplateInput = z.output<typeof TemplateBody>
export const TemplateOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  check_type: z.string(),
  builtin: z.boolean(),
  rows: z.array(z.object({ condition: z.enum(ALERT_CONDITIONS), enabled: z.boolean(), ...ParamsOut.shape })),
})
export type TemplateOutDto = z.infer<typeof TemplateOut>
export const TemplateQuery = z.strictObject({ check_type: z.enum(CHECK_KINDS).optional() })

export const NotificationOut = z.object({
  id: z.string(),
  at: z.string(),
  rule: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  channel: z.object({ id: z.string(), name: z.string().nullable(), kind: z.string().nullable() }).nullable(),
  condition: z.string(),
  event: z.enum(MESSAGE_KINDS),
  decision: z.enum(['send', 'skip']),
  reason: z.enum(SKIP_REASONS).nullable(),
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'skipped']),
  attempts: z.int(),
  last_error: z.string().nullable(),
  response: z.string().nullable(),
  sent_at: z.string().nullable(),
})
export type NotificationOutDto = z.infer<typeof NotificationOut>
