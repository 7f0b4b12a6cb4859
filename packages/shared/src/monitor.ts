import { z } from 'zod'
import { CHECK_KINDS, NETWORK_SCOPES } from './check-kinds.js'
import { parseStatusRange } from './status-codes.js'

/** Headers a user may not set: they would break framing or target another virtual host. */
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding'])
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

const StatusCodeSpecSchema = z.union([
  z.int().min(100).max(599),
  z.string().refine((s) => parseStatusRange(s) !== null, { message: 'expected a status code range like "200-299"' }),
])

const HeadersSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'header names are letters, digits and "-" (1–100 characters)'),
    z.string().min(1).max(500),
  )
  .refine((h) => Object.keys(h).length <= 20, { message: 'at most 20 headers' })
  .refine((h) => Object.keys(h).every((k) => !FORBIDDEN_HEADERS.has(k.toLowerCase())), {
    message: `these headers cannot be set: ${[...FORBIDDEN_HEADERS].join(', ')}`,
  })

const HttpUrl = z
  .string()
  .max(2048)
  .refine(
    (s) => {
      try {
        const u = new URL(s)
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
      } catch {
        return false
      }
    },
    { message: 'expected an http:// or https:// URL' },
  )

/**
 * Every field a monitor can carry, with defaults. Field names follow the reference API
 * (`check_type`, `interval_seconds`, …) so existing scripts keep working.
 */
export const monitorFields = {
  name: z.string().trim().min(1).max(255),
  check_type: z.enum(CHECK_KINDS).default('http'),
  enabled: z.boolean().default(true),
  interval_seconds: z.int().min(10).max(86_400).default(60),
  timeout_seconds: z.int().min(1).max(60).default(10),
  network_scope: z.enum(NETWORK_SCOPES).default('all'),
  url: HttpUrl,
  method: z.enum(HTTP_METHODS).default('GET'),
  custom_headers: HeadersSchema.default({}),
  body: z.string().max(65_536).nullable().default(null),
  expected_status_codes: z.array(StatusCodeSpecSchema).min(1).max(50).default(['200-299']),
  follow_redirects: z.boolean().default(true),
  max_redirects: z.int().min(0).max(20).default(10),
}

function crossFieldRules(m: { timeout_seconds: number; interval_seconds: number }, ctx: z.RefinementCtx) {
  if (m.timeout_seconds > m.interval_seconds) {
    ctx.addIssue({ code: 'custom', path: ['timeout_seconds'], message: 'must not exceed interval_seconds' })
  }
}

/** POST /monitors body. Unknown fields are rejected. */
export const MonitorCreate = z.strictObject(monitorFields).superRefine(crossFieldRules)
export type MonitorCreateInput = z.input<typeof MonitorCreate>
export type MonitorConfig = z.output<typeof MonitorCreate>

/** PATCH /monitors/{id} body: any subset, no defaults applied; the merged result is re-validated. */
export const MonitorUpdate = z.strictObject(
  Object.fromEntries(Object.entries(monitorFields).map(([k, v]) => [k, unwrapDefault(v).optional()])) as {
    [K in keyof typeof monitorFields]: z.ZodOptional<Unwrapped<(typeof monitorFields)[K]>>
  },
)
export type MonitorUpdateInput = z.input<typeof MonitorUpdate>

type Unwrapped<T> = T extends z.ZodDefault<infer Inner> ? Inner : T
function unwrapDefault<T extends z.ZodType>(t: T): Unwrapped<T> {
  return (t instanceof z.ZodDefault ? t.unwrap() : t) as Unwrapped<T>
}

/** Re-validates a merged (stored + patch) monitor config with the cross-field rules. */
export const MonitorConfigSchema = z.object(monitorFields).superRefine(crossFieldRules)

export const MonitorStatusSchema = z.enum(['up', 'degraded', 'down', 'unknown', 'paused'])

/** A monitor as the API returns it. */
export const MonitorOut = z.object({
  id: z.string(),
  ...Object.fromEntries(Object.entries(monitorFields).map(([k, v]) => [k, unwrapDefault(v)])),
  owner_id: z.string(),
  team_id: z.string().nullable(),
  status: MonitorStatusSchema,
  status_since: z.string().nullable(),
  last_checked_at: z.string().nullable(),
  last_response_time_ms: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}) as unknown as z.ZodObject<
  {
    id: z.ZodString
    owner_id: z.ZodString
    team_id: z.ZodNullable<z.ZodString>
    status: typeof MonitorStatusSchema
    status_since: z.ZodNullable<z.ZodString>
    last_checked_at: z.ZodNullable<z.ZodString>
    last_response_time_ms: z.ZodNullable<z.ZodNumber>
    created_at: z.ZodString
    updated_at: z.ZodString
  } & { [K in keyof typeof monitorFields]: Unwrapped<(typeof monitorFields)[K]> }
>
export type Monitor = z.output<typeof MonitorOut>

export const MonitorListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: z.string().max(200).optional(),
})
