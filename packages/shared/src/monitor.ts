import { z } from 'zod'
import { NETWORK_SCOPES } from './check-kinds.js'
import { validateConditions } from './conditions/index.js'
import { MAX_TAGS_PER_MONITOR, TagList, TagString } from './groups.js'
import { CHECK_KINDS, type CheckKind, KIND_SETTINGS, KINDS } from './kinds/index.js'

/** Fields every monitor has, whatever its kind. Names follow the reference API. */
export const commonMonitorFields = {
  name: z.string().trim().min(1).max(255),
  enabled: z.boolean().default(true),
  interval_seconds: z.int().min(10).max(86_400).default(60),
  timeout_seconds: z.int().min(1).max(60).default(10),
  network_scope: z.enum(NETWORK_SCOPES).default('all'),
  /** Condition language (see packages/shared/src/conditions/LANGUAGE.md); all must pass. */
  conditions: z.array(z.string().min(1).max(500)).max(50).default([]),
  /** Consecutive failed checks before a probe counts the monitor as failing (retries). */
  failure_threshold: z.int().min(1).max(20).default(2),
  /** Consecutive good checks before a failing probe counts it as recovered. */
  recovery_threshold: z.int().min(1).max(20).default(2),
  /** Failing probes needed for a global verdict: majority, all, any, or a number. */
  quorum: z.union([z.enum(['majority', 'all', 'any']), z.int().min(1).max(100)]).default('majority'),
  /** State changes of one probe's view within the window that make it flapping. */
  flap_threshold: z.int().min(2).max(50).default(5),
  flap_window_minutes: z.int().min(1).max(120).default(10),
}
export const COMMON_MONITOR_KEYS = ['check_type', ...Object.keys(commonMonitorFields)] as const

/**
 * Where a monitor is filed, accepted on create and update but not part of its check config (the
 * server stores them apart and never sends them to probes). Absent = unchanged on update.
 */
export const membershipFields = {
  /** The monitor's group; null = none. */
  group_id: z.string().min(1).max(64).nullable().optional(),
  /** Tag labels (`env:prod`, `critical`), at most 32; replaces the monitor's tags on update. */
  tags: TagList.optional(),
}
export const MEMBERSHIP_KEYS = Object.keys(membershipFields) as (keyof typeof membershipFields)[]

function variant<K extends CheckKind>(kind: K) {
  return z.strictObject({
    check_type: z.literal(kind),
    ...commonMonitorFields,
    ...KIND_SETTINGS[kind],
    ...membershipFields,
  })
}

type Variants = { [K in CheckKind]: ReturnType<typeof variant<K>> }
const VARIANTS = Object.fromEntries(CHECK_KINDS.map((k) => [k, variant(k)])) as unknown as Variants

function crossFieldRules(
  m: { check_type: CheckKind; timeout_seconds: number; interval_seconds: number; conditions: string[] },
  ctx: z.RefinementCtx,
) {
  const info = KINDS[m.check_type]
  if (m.timeout_seconds > m.interval_seconds) {
    ctx.addIssue({ code: 'custom', path: ['timeout_seconds'], message: 'must not exceed interval_seconds' })
  }
  if (m.interval_seconds < info.minIntervalSeconds) {
    ctx.addIssue({
      code: 'custom',
      path: ['interval_seconds'],
      message: `must be at least ${info.minIntervalSeconds} for ${m.check_type}`,
    })
  }
  for (const e of validateConditions(m.conditions, { placeholders: [...info.placeholders] })) {
    ctx.addIssue({ code: 'custom', path: ['conditions', e.index], message: `${e.message} (at position ${e.position})` })
  }
  if (m.check_type === 'heartbeat') {
    const h = m as unknown as { period_seconds: number | null; cron: string | null }
    if ((h.period_seconds === null) === (h.cron === null)) {
      ctx.addIssue({ code: 'custom', path: ['period_seconds'], message: 'set exactly one of period_seconds or cron' })
    }
  }
}

const union = z.discriminatedUnion(
  'check_type',
  Object.values(VARIANTS) as unknown as [Variants['http'], ...Variants[CheckKind][]],
)

/**
 * POST /monitors body: one strict variant per `check_type` (default `http`). Unknown fields,
 * and fields of another kind, are rejected by name.
 */
export const MonitorCreate = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) && !('check_type' in v) ? { ...v, check_type: 'http' } : v),
  union.superRefine(crossFieldRules),
)
export type MonitorCreateInput = z.input<typeof union> | Omit<z.input<Variants['http']>, 'check_type'>
export type MonitorConfig = z.output<typeof union>
export type MonitorConfigOf<K extends CheckKind> = z.output<Variants[K]>

/** Settings of one kind, parsed on their own (probes parse their assignment with these). */
export function kindSettingsSchema<K extends CheckKind>(kind: K) {
  return z.object(KIND_SETTINGS[kind])
}

const unwrapDefault = (v: z.ZodType): z.ZodType => (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : v)

/**
 * Every kind's settings by name. A name kinds share with different rules (`url` is http(s) for
 * http, ws(s) for websocket) accepts any of them here; the merged monitor is then validated
 * against its own kind.
 */
const ALL_SETTINGS: z.ZodRawShape = (() => {
  const variants = new Map<string, z.ZodType[]>()
  for (const kind of CHECK_KINDS) {
    for (const [name, schema] of Object.entries(KINDS[kind].settings)) {
      const list = variants.get(name) ?? []
      const inner = unwrapDefault(schema as z.ZodType)
      if (!list.includes(inner)) list.push(inner)
      variants.set(name, list)
    }
  }
  return Object.fromEntries(
    [...variants].map(([name, list]) => [name, list.length === 1 ? list[0] : z.union(list, { error: eitherMessage })]),
  ) as z.ZodRawShape
})()

/** "expected a http:// or https:// URL, or expected a ws:// or wss:// URL" rather than "Invalid input". */
function eitherMessage(issue: { code?: string; errors?: unknown }): string | undefined {
  if (issue.code !== 'invalid_union' || !Array.isArray(issue.errors)) return undefined
  const messages = (issue.errors as { message?: string }[][]).map((e) => e[0]?.message).filter(Boolean)
  return messages.length > 0 ? [...new Set(messages)].join(', or ') : undefined
}

function optionalOf(shape: z.ZodRawShape): Record<string, z.ZodOptional<z.ZodType>> {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, unwrapDefault(v as z.ZodType).optional()]))
}

/**
 * PATCH /monitors/{id} body: any subset of any kind's fields, no defaults. The server merges it
 * with the stored monitor and validates the result with {@link MonitorCreate}.
 */
export const MonitorUpdate = z.strictObject({
  check_type: z.enum(CHECK_KINDS).optional(),
  ...optionalOf(commonMonitorFields),
  ...optionalOf(ALL_SETTINGS),
  ...membershipFields,
})
export type MonitorUpdateInput = { [key: string]: unknown; check_type?: CheckKind | undefined }

export const MonitorStatusSchema = z.enum(['up', 'degraded', 'down', 'unknown', 'paused'])

const serverFields = {
  id: z.string(),
  /** What is checked, as one line (`https://…`, `tcp://db:5432`). */
  target: z.string(),
  owner_id: z.string(),
  team_id: z.string().nullable(),
  status: MonitorStatusSchema,
  status_since: z.string().nullable(),
  last_checked_at: z.string().nullable(),
  last_response_time_ms: z.number().nullable(),
  /** The monitor's group, null when ungrouped. */
  group_id: z.string().nullable(),
  /** Tag labels, sorted. */
  tags: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
}

/** Fields only some kinds have in their output (heartbeat: where to ping and when). */
const kindOutFields = {
  /** Where the job pings (absolute when PUBLIC_URL is set, else a path). */
  ping_url: z.string().optional(),
  /** When the next ping is due; null while waiting for the first one (or paused). */
  next_expected_at: z.string().nullable().optional(),
  /** The latest success or failure ping. */
  last_ping_at: z.string().nullable().optional(),
}

export type Monitor = MonitorConfig & { [K in keyof typeof serverFields]: z.output<(typeof serverFields)[K]> } & {
  [K in keyof typeof kindOutFields]?: z.output<(typeof kindOutFields)[K]>
}

/** A monitor of one kind. @example const m: MonitorOf<'tcp'> = … ; m.port */
export type MonitorOf<K extends CheckKind> = Extract<Monitor, { check_type: K }>

/** A monitor as the API returns it: its kind's fields, flat, plus identity and live state. */
export const MonitorOut = z.discriminatedUnion(
  'check_type',
  CHECK_KINDS.map((k) =>
    z.object({
      check_type: z.literal(k),
      ...commonMonitorFields,
      ...KIND_SETTINGS[k],
      ...serverFields,
      ...kindOutFields,
    }),
  ) as unknown as [z.ZodObject<{ check_type: z.ZodLiteral<'http'> }>],
) as unknown as z.ZodType<Monitor>

/** `a,b` and `?x=a&x=b` both read as ['a', 'b']; empty items are dropped. */
const commaList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean),
)

/**
 * GET /monitors query. Filters combine with AND; `status` and `kind` match any listed value,
 * `tag` needs every listed tag; `group_id=none` lists ungrouped monitors.
 *
 * @example ?status=down,degraded&kind=http&group_id=none&tag=env:prod&tag=critical&q=shop
 */
export const MonitorListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: z.string().max(200).optional(),
  status: commaList.pipe(z.array(MonitorStatusSchema).max(5)).optional(),
  kind: commaList.pipe(z.array(z.enum(CHECK_KINDS)).max(CHECK_KINDS.length)).optional(),
  group_id: z.string().min(1).max(64).optional(),
  tag: commaList.pipe(z.array(TagString).max(MAX_TAGS_PER_MONITOR)).optional(),
})
export type MonitorListQueryInput = z.input<typeof MonitorListQuery>
export type MonitorListFilters = z.output<typeof MonitorListQuery>
