import { z } from 'zod'
import { MAX_TAGS_PER_MONITOR, TagString } from './groups.js'
import { IanaTimeZone } from './time.js'

export const INCIDENT_SCOPES = ['global', 'regional', 'partial', 'probe_local', 'none'] as const
export const INCIDENT_UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const

export const IncidentListQuery = z.strictObject({
  resolved: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  days: z.coerce.number().int().min(1).max(365).default(30),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

/** An incident in lists: scope, affected probes, suppression, ack/snooze, MTTD and MTTR. */
export const IncidentSummary = z.object({
  id: z.string(),
  monitor_id: z.string(),
  monitor_name: z.string(),
  status: z.enum(['open', 'resolved']),
  scope: z.string(),
  cause: z.string().nullable(),
  affected_probe_ids: z.array(z.string()),
  /** Why it has not paged: maintenance, dependency (parent down) or grouped (its group paged). */
  suppressed: z.string().nullable(),
  paged: z.boolean(),
  /** Incidents sharing a root cause share a group and page once. */
  group_id: z.string().nullable(),
  first_failure_at: z.string(),
  started_at: z.string(),
  resolved_at: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  /** Detection latency: first failing check → incident open. */
  mttd_seconds: z.number(),
  mttr_seconds: z.number().nullable(),
  acked_at: z.string().nullable(),
  acked_by: z.string().nullable(),
  snooze_until: z.string().nullable(),
})
export type IncidentSummaryDto = z.infer<typeof IncidentSummary>

export const IncidentEventOut = z.object({
  at: z.string(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
})
export const IncidentUpdateOut = z.object({
  id: z.string(),
  status: z.enum(INCIDENT_UPDATE_STATUSES),
  message: z.string(),
  is_public: z.boolean(),
  created_by: z.string().nullable(),
  created_at: z.string(),
})
export const IncidentDetail = IncidentSummary.extend({
  timeline: z.array(IncidentEventOut),
  updates: z.array(IncidentUpdateOut),
  postmortem: z.string().nullable(),
})
export type IncidentDetailDto = z.infer<typeof IncidentDetail>

export const IncidentUpdateBody = z.strictObject({
  status: z.enum(INCIDENT_UPDATE_STATUSES),
  message: z.string().trim().min(1).max(4000),
  is_public: z.boolean().default(true),
})
export const SnoozeBody = z.strictObject({ duration_minutes: z.int().min(5).max(1440) })
export const BulkAckBody = z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(200) })

const IsoInstant = z.iso.datetime({ offset: true })
/**
 * A tag selector on a maintenance window or silence: 1–32 labels, duplicates folded; it covers the
 * owner's monitors carrying every label at evaluation time (as tag alert rules do).
 */
export const TargetTags = z
  .array(TagString)
  .min(1)
  .max(MAX_TAGS_PER_MONITOR)
  .transform((tags) => [...new Set(tags)])
/** One-off, weekly (days 0 = Monday … 6 = Sunday, HH:MM range, may cross midnight) or cron. */
export const MaintenanceScheduleInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('once'), starts_at: IsoInstant, ends_at: IsoInstant }),
  z.strictObject({
    kind: z.literal('weekly'),
    days: z.array(z.int().min(0).max(6)).min(1).max(7),
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
    end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
    timezone: IanaTimeZone.default('UTC'),
  }),
  z.strictObject({
    kind: z.literal('cron'),
    cron: z.string().min(9).max(200),
    duration_minutes: z.int().min(1).max(10_080),
    timezone: IanaTimeZone.default('UTC'),
  }),
])

export const MaintenanceBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().default(null),
    /** One monitor; with group_id and tags also null, every monitor of the owner. */
    monitor_id: z.string().max(64).nullable().default(null),
    /** A monitor group: covers its members at evaluation time (a monitor filed later is covered). */
    group_id: z.string().max(64).nullable().default(null),
    /** Tags: covers the owner's monitors carrying all of them at evaluation time. */
    tags: TargetTags.nullable().default(null),
    schedule: MaintenanceScheduleInput,
  })
  .refine((b) => b.monitor_id === null || b.group_id === null, {
    message: 'target a monitor or a group, not both',
    path: ['group_id'],
  })
  .refine((b) => b.tags === null || (b.monitor_id === null && b.group_id === null), {
    message: 'target a monitor, a group or tags, not several',
    path: ['tags'],
  })
export const MaintenanceOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  monitor_id: z.string().nullable(),
  group_id: z.string().nullable(),
  tags: z.array(z.string()).nullable(),
  schedule: z.record(z.string(), z.unknown()),
  active: z.boolean(),
  next_start: z.string().nullable(),
  created_at: z.string(),
})

export const SilenceBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    reason: z.string().max(500).nullable().default(null),
    /** One monitor; with tags also null, every monitor of the owner. */
    monitor_id: z.string().max(64).nullable().default(null),
    /** Tags: covers the owner's monitors carrying all of them at evaluation time. */
    tags: TargetTags.nullable().default(null),
    starts_at: IsoInstant.optional(),
    ends_at: IsoInstant.optional(),
    /** Presets in the UI: 15, 60, 240, 1440. */
    duration_minutes: z.int().min(1).max(43_200).optional(),
  })
  .refine((b) => b.ends_at !== undefined || b.duration_minutes !== undefined, {
    message: 'give ends_at or duration_minutes',
    path: ['ends_at'],
  })
  .refine((b) => b.tags === null || b.monitor_id === null, {
    message: 'target a monitor or tags, not both',
    path: ['tags'],
  })
export const SilenceOut = z.object({
  id: z.string(),
  name: z.string(),
  reason: z.string().nullable(),
  monitor_id: z.string().nullable(),
  tags: z.array(z.string()).nullable(),
  starts_at: z.string(),
  ends_at: z.string(),
  active: z.boolean(),
})

export const DependencyBody = z.strictObject({ parent_id: z.string().min(1).max(64) })
