import { z } from 'zod'
import { CHECK_STATUSES } from './check-kinds.js'

/**
 * REST shapes of the server-side monitors (heartbeat pings and runs, composite members, manual
 * states) and of the "monitoring degraded" status. Times are ISO strings.
 */

/** What a ping said: a success or a failure (`exit_status` set when it came as /{exit-status}), a start or a log line. */
export const PING_KINDS = ['success', 'fail', 'start', 'log'] as const
export type PingKind = (typeof PING_KINDS)[number]

export const PingOut = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.enum(PING_KINDS),
  exit_status: z.int().nullable(),
  rid: z.string().nullable(),
  method: z.string(),
  user_agent: z.string().nullable(),
  source_ip: z.string().nullable(),
  /** The request body as text, at most 10 000 bytes (`body_truncated` when it was longer). */
  body: z.string().nullable(),
  body_size: z.int(),
  body_truncated: z.boolean(),
  /** Set on the ping that finished a run: time since its start. */
  duration_ms: z.number().nullable(),
})
export type PingDto = z.infer<typeof PingOut>

/**
 * One run of a job, from /start to its success or failure. `timeout`: it did not finish within
 * grace (a later finish still closes it, with `late` set); `superseded`: another start without a
 * run id replaced it; `reset`: the monitor was paused meanwhile.
 */
export const RUN_OUTCOMES = ['running', 'success', 'fail', 'timeout', 'superseded', 'reset'] as const
export const RunOut = z.object({
  id: z.string(),
  rid: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
  outcome: z.enum(RUN_OUTCOMES),
  late: z.boolean(),
})
export type RunDto = z.infer<typeof RunOut>

/**
 * A composite member: a monitor (`monitor_id`) or a monitor group (`group_id`), which stands for
 * the group's monitors at each evaluation, each with this weight.
 */
export const CompositeMemberBody = z
  .strictObject({
    monitor_id: z.string().min(1).max(64).optional(),
    group_id: z.string().min(1).max(64).optional(),
    weight: z.int().min(1).max(100).default(1),
    role: z.string().trim().max(50).nullable().default(null),
  })
  .refine((b) => (b.monitor_id === undefined) !== (b.group_id === undefined), {
    message: 'give exactly one of monitor_id or group_id',
    path: ['monitor_id'],
  })
export const CompositeMemberPatch = z.strictObject({
  weight: z.int().min(1).max(100).optional(),
  role: z.string().trim().max(50).nullable().optional(),
})
export const CompositeMemberOut = z.object({
  /** 'group': a monitor group, expanded to its monitors at evaluation. */
  member_type: z.enum(['monitor', 'group']),
  /** The member's id (the group's id for a group member); also the `{memberId}` of its path. */
  monitor_id: z.string(),
  name: z.string(),
  /** The monitor's kind, or 'group'. */
  check_type: z.string(),
  /** A group's is its worst member's (down, degraded, up), unknown when none is known. */
  status: z.enum(['up', 'degraded', 'down', 'unknown', 'paused']),
  weight: z.int(),
  role: z.string().nullable(),
})
export type CompositeMemberDto = z.infer<typeof CompositeMemberOut>

export const ManualStateBody = z.strictObject({
  status: z.enum(CHECK_STATUSES),
  note: z.string().trim().max(2000).default(''),
})
export const ManualStateOut = z.object({
  id: z.string(),
  status: z.enum(CHECK_STATUSES),
  note: z.string(),
  author: z.string(),
  at: z.string(),
})
export type ManualStateDto = z.infer<typeof ManualStateOut>

/** GET /status/monitoring: is WhatIsUp itself able to watch right now? Counts only (public). */
export const MonitoringStatusOut = z.object({
  status: z.enum(['ok', 'degraded']),
  checked_at: z.string(),
  database: z.enum(['ok', 'down']),
  probes: z.object({ total: z.int(), offline: z.int(), lagging: z.int() }),
  reasons: z.array(z.enum(['database_down', 'probes_offline', 'probes_lagging'])),
})
export type MonitoringStatusDto = z.infer<typeof MonitoringStatusOut>
