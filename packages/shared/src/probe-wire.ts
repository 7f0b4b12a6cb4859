import { z } from 'zod'
import { NETWORK_TYPES } from './check-kinds.js'
import { CheckResultSchema } from './result.js'

/** Version of the probe ⇄ server protocol; the server refuses agents speaking another major. */
export const PROBE_PROTOCOL_VERSION = 1

export const ProbeHealthSchema = z.strictObject({
  cpu_percent: z.number().min(0).max(100).optional(),
  rss_bytes: z.number().int().min(0).optional(),
  monitors_active: z.int().min(0).optional(),
  checks_running: z.int().min(0).optional(),
  checks_per_second: z.number().min(0).optional(),
  lag_p50_ms: z.number().min(0).optional(),
  lag_p99_ms: z.number().min(0).optional(),
  queue_depth: z.int().min(0).optional(),
  buffered_results: z.int().min(0).optional(),
})
export type ProbeHealth = z.infer<typeof ProbeHealthSchema>

/** POST /probes/heartbeat body. `config_version` is what the probe runs now; omit on first call. */
export const HeartbeatRequestSchema = z.strictObject({
  protocol_version: z.int().min(1).default(PROBE_PROTOCOL_VERSION),
  agent_version: z.string().max(64).optional(),
  config_version: z.string().max(128).optional(),
  health: ProbeHealthSchema.optional(),
})
export type HeartbeatRequest = z.input<typeof HeartbeatRequestSchema>

/**
 * One monitor as a probe needs it: the common scheduling fields plus the kind's settings, flat
 * (parse them with `kindSettingsSchema(kind)`). Nothing about owners or teams.
 */
export const ProbeMonitorConfigSchema = z.looseObject({
  id: z.string(),
  /** A plain string on the wire: an older probe must still read an assignment holding a newer kind. */
  check_type: z.string(),
  interval_seconds: z.int(),
  timeout_seconds: z.int(),
  conditions: z.array(z.string()).default([]),
})
export type ProbeMonitorConfig = z.infer<typeof ProbeMonitorConfigSchema>

/**
 * Heartbeat answer. `monitors` is null when the probe's `config_version` is current, so an
 * unchanged assignment costs a few bytes.
 */
export const HeartbeatResponseSchema = z.object({
  probe: z.object({ id: z.string(), name: z.string(), network_type: z.enum(NETWORK_TYPES) }),
  config_version: z.string(),
  monitors: z.array(ProbeMonitorConfigSchema).nullable(),
  heartbeat_interval_seconds: z.int(),
  server_time: z.number().int(),
})
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>

/**
 * POST /probes/results body. `batch_id` is the idempotency key (unique per probe, e.g. a
 * monotonically increasing sequence): a retried batch is acknowledged without being stored twice.
 */
export const ResultBatchSchema = z.strictObject({
  batch_id: z.string().min(1).max(100),
  results: z.array(CheckResultSchema).min(1).max(5000),
})
export type ResultBatch = z.infer<typeof ResultBatchSchema>

export const ResultBatchAckSchema = z.object({ accepted: z.int(), duplicate: z.boolean() })
export type ResultBatchAck = z.infer<typeof ResultBatchAckSchema>
