import { z } from 'zod'
import { DIAGNOSTIC_KINDS, DiagnosticTargetSchema } from './diagnostics.js'

/** Longest `wait` a probe may ask for: below common proxy idle timeouts (60 s). */
export const PROBE_COMMANDS_MAX_WAIT_SECONDS = 55

/**
 * Something the server wants a probe to do now rather than at its next heartbeat, delivered by
 * the long-poll `GET /api/v1/probes/commands?wait=25`.
 *
 * - `check_now`: run this monitor at once (a user clicked "check now", or the incident engine
 *   wants other probes to confirm a failure). `request_id` ties the result to the request in logs.
 * - `config_changed`: a monitor this probe may run was created, changed, paused or deleted; pull
 *   the assignment now (a heartbeat) instead of within `heartbeat_interval_seconds`.
 * - `diagnose`: an incident opened on a monitor this probe sees failing; capture `kinds` toward
 *   `target` and upload them (`POST /probes/diagnostics`) under `request_id`. Redelivered until
 *   uploaded or expired, so a probe must not run the same `request_id` twice at once.
 *
 * @example
 * { type: 'check_now', monitor_id: '0190…', request_id: '0190…' }
 */
export const ProbeCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('check_now'), monitor_id: z.string().min(1).max(64), request_id: z.string().max(64) }),
  z.object({ type: z.literal('config_changed') }),
  z.object({
    type: z.literal('diagnose'),
    request_id: z.string().min(1).max(64),
    monitor_id: z.string().min(1).max(64),
    incident_id: z.string().min(1).max(64),
    target: DiagnosticTargetSchema,
    kinds: z.array(z.enum(DIAGNOSTIC_KINDS)).min(1).max(DIAGNOSTIC_KINDS.length),
  }),
])
export type ProbeCommand = z.infer<typeof ProbeCommandSchema>

/**
 * The long-poll answer: pending commands (possibly none, when `wait` ran out). Commands are
 * plain objects on the wire so an older probe can skip a `type` it does not know instead of
 * rejecting the whole answer: parse each entry with {@link ProbeCommandSchema}.
 */
export const ProbeCommandsResponseSchema = z.object({
  commands: z.array(z.looseObject({ type: z.string() })),
})
export type ProbeCommandsResponse = { commands: ProbeCommand[] }

export const ProbeCommandsQuerySchema = z.strictObject({
  wait: z.coerce.number().int().min(0).max(PROBE_COMMANDS_MAX_WAIT_SECONDS).default(25),
})

/** `POST /api/v1/monitors/{id}/trigger-check` answer: how many probes were asked to check. */
export const TriggerCheckResponseSchema = z.object({ status: z.literal('queued'), probes: z.int().min(0) })
export type TriggerCheckResponse = z.infer<typeof TriggerCheckResponseSchema>
