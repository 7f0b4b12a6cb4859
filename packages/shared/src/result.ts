import { z } from 'zod'
import { CHECK_STATUSES, FAILURE_PHASES } from './check-kinds.js'

export const ConditionOutcomeSchema = z.strictObject({
  condition: z.string().max(500),
  success: z.boolean(),
  actual: z.string().max(200),
  severity: z.enum(['down', 'degraded']),
  error: z.string().max(500).optional(),
})

/** Milliseconds spent in each phase of a check; a phase that did not happen is absent. */
export const TimingsSchema = z.strictObject({
  dns_ms: z.number().min(0).optional(),
  connect_ms: z.number().min(0).optional(),
  tls_ms: z.number().min(0).optional(),
  ttfb_ms: z.number().min(0).optional(),
  transfer_ms: z.number().min(0).optional(),
})
export type Timings = z.infer<typeof TimingsSchema>

export const TlsInfoSchema = z.strictObject({
  valid_to: z.number().int(),
  days_remaining: z.number(),
  subject: z.string().max(512).optional(),
  issuer: z.string().max(512).optional(),
  authorized: z.boolean(),
  authorization_error: z.string().max(200).optional(),
  protocol: z.string().max(32).optional(),
  cipher: z.string().max(128).optional(),
  fingerprint256: z.string().max(128).optional(),
})
export type TlsInfo = z.infer<typeof TlsInfoSchema>

/**
 * What a checker returns for one check. A failing target is data (`status: 'down'` with a
 * `failure`), never an exception.
 *
 * @example
 * { monitor_id: 'm1', checked_at: 1767225600000, status: 'down', latency_ms: 12.3,
 *   failure: { phase: 'connect', message: 'ECONNREFUSED 127.0.0.1:8080' } }
 */
export const CheckResultSchema = z.strictObject({
  monitor_id: z.string().min(1).max(64),
  /** Epoch ms when the check started (probe clock). Replayed results keep their original time. */
  checked_at: z.number().int().min(0),
  status: z.enum(CHECK_STATUSES),
  latency_ms: z.number().min(0).max(3_600_000),
  http_status: z.int().min(100).max(599).optional(),
  timings: TimingsSchema.optional(),
  failure: z.strictObject({ phase: z.enum(FAILURE_PHASES), message: z.string().max(1000) }).optional(),
  tls: TlsInfoSchema.optional(),
  /** Connected address, for "where did it go" questions and the SSRF audit. */
  remote_address: z.string().max(64).optional(),
  redirect_count: z.int().min(0).max(50).optional(),
  final_url: z.string().max(2048).optional(),
  /** Each condition with its pass/fail and the actual value, as the evaluator produced them. */
  conditions: z.array(ConditionOutcomeSchema).max(50).optional(),
  /** Kind-specific facts (DNS answers, ping statistics, SMTP banner…), bounded to 16 KiB of JSON. */
  details: z
    .record(z.string(), z.unknown())
    .refine((d) => JSON.stringify(d).length <= 16_384, { message: 'details exceed 16 KiB' })
    .optional(),
})
export type CheckResult = z.infer<typeof CheckResultSchema>
