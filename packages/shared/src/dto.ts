import { z } from 'zod'
import { CHECK_STATUSES, FAILURE_PHASES, NETWORK_TYPES } from './check-kinds.js'
import { ConditionOutcomeSchema, TimingsSchema, TlsInfoSchema } from './result.js'
import { IanaTimeZone } from './time.js'

export const TokenPair = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.int(),
})
export type TokenPairOut = z.infer<typeof TokenPair>

export const LoginBody = z.strictObject({ username: z.string().min(1).max(255), password: z.string().min(1).max(1024) })
export const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(512) })

export const UserOut = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  full_name: z.string().nullable(),
  is_superadmin: z.boolean(),
  is_active: z.boolean(),
  can_create_monitors: z.boolean(),
  timezone: z.string().nullable(),
  language: z.string().nullable(),
  created_at: z.string(),
})
export type User = z.infer<typeof UserOut>

/** PATCH /auth/me: only fields a user may change about themself. */
export const MeUpdate = z.strictObject({
  full_name: z.string().trim().max(255).nullable().optional(),
  timezone: IanaTimeZone.nullable().optional(),
  language: z.enum(['en', 'fr']).nullable().optional(),
})

export const ResultOut = z.object({
  id: z.string(),
  monitor_id: z.string(),
  probe_id: z.string(),
  checked_at: z.string(),
  status: z.enum(CHECK_STATUSES),
  response_time_ms: z.number(),
  http_status: z.number().nullable(),
  timings: TimingsSchema.nullable(),
  failure: z.object({ phase: z.enum(FAILURE_PHASES), message: z.string() }).nullable(),
  error_message: z.string().nullable(),
  tls: TlsInfoSchema.nullable(),
  conditions: z.array(ConditionOutcomeSchema),
  details: z.record(z.string(), z.unknown()).nullable(),
  remote_address: z.string().nullable(),
  final_url: z.string().nullable(),
  redirect_count: z.number(),
})
export type ResultDto = z.infer<typeof ResultOut>

export const IncidentOut = z.object({
  id: z.string(),
  monitor_id: z.string(),
  status: z.enum(['open', 'resolved']),
  cause: z.string().nullable(),
  first_failure_at: z.string(),
  started_at: z.string(),
  resolved_at: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  affected_probe_ids: z.array(z.string()),
})
export type IncidentDto = z.infer<typeof IncidentOut>

export const ProbeRegisterBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  location_name: z.string().trim().max(200).default(''),
  latitude: z.number().min(-90).max(90).nullable().default(null),
  longitude: z.number().min(-180).max(180).nullable().default(null),
  network_type: z.enum(NETWORK_TYPES).default('external'),
})

/** PATCH /probes/{id}: setting is_active false revokes the probe's key at once. */
export const ProbeUpdateBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  location_name: z.string().trim().max(200).optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  network_type: z.enum(NETWORK_TYPES).optional(),
  is_active: z.boolean().optional(),
})

export const ProbeOut = z.object({
  id: z.string(),
  name: z.string(),
  location_name: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  network_type: z.enum(NETWORK_TYPES),
  is_active: z.boolean(),
  is_embedded: z.boolean(),
  last_seen_at: z.string().nullable(),
  created_at: z.string(),
})
export type ProbeDto = z.infer<typeof ProbeOut>

export const HealthOut = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  services: z.record(z.string(), z.enum(['ok', 'down', 'disabled'])),
})
