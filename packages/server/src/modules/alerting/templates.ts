import { CHECK_KINDS, type CheckKind } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { AlertTemplateRow } from '../../storage/repositories/index.js'
import { authorize } from '../policy/policy.js'
import type { TemplateInput, TemplateOutDto } from './alerting.schemas.js'
import { type AlertCondition, DEFAULT_PARAMS, type RuleParams } from './types.js'

/** Kinds whose results can carry a TLS certificate. */
const TLS_KINDS: ReadonlySet<string> = new Set([
  'http',
  'tcp',
  'smtp',
  'websocket',
  'postgres',
  'mysql',
  'redis',
  'mqtt',
])

/**
 * The matrix of a check kind: one card per condition that means something for it. SLO burn cards
 * are offered to every kind; they fire only once the monitor has an SLO.
 */
export function conditionsFor(kind: string): AlertCondition[] {
  const out: AlertCondition[] = ['any_down', 'all_down', 'degraded']
  if (kind !== 'domain_expiry') out.push('response_time_above', 'response_time_above_baseline', 'anomaly')
  if (TLS_KINDS.has(kind)) out.push('ssl_expiry')
  if (kind === 'domain_expiry') out.push('domain_expiry')
  out.push('slo_burn_fast', 'slo_burn_slow', 'flapping')
  return out
}

export type TemplateRow = { condition: AlertCondition; enabled: boolean } & RuleParams
const row = (condition: AlertCondition, p: Partial<RuleParams> = {}): TemplateRow => ({
  condition,
  enabled: true,
  ...DEFAULT_PARAMS,
  ...p,
})

export const PRESETS = ['standard', 'strict', 'low_noise'] as const
export type Preset = (typeof PRESETS)[number]
const PRESET_NAMES: Record<Preset, string> = { standard: 'Standard', strict: 'Strict / Paging', low_noise: 'Low noise' }

/** Built-in presets, read-only, per check kind; rows for conditions a kind lacks are dropped. */
function presetRows(kind: CheckKind, preset: Preset): TemplateRow[] {
  const slow = kind === 'http' || kind === 'websocket' ? 2000 : 1000
  const rows: Record<Preset, TemplateRow[]> = {
    standard: [
      row('any_down', { min_duration_seconds: 60, renotify_minutes: 60 }),
      row('ssl_expiry', { threshold: 14, renotify_minutes: 1440 }),
      row('domain_expiry', { threshold: 30, renotify_minutes: 1440 }),
      row('response_time_above', { threshold: slow * 2, min_duration_seconds: 300 }),
      row('slo_burn_fast', { renotify_minutes: 60 }),
    ],
    strict: [
      row('any_down', { renotify_minutes: 15 }),
      row('all_down', { renotify_minutes: 10 }),
      row('degraded', { min_duration_seconds: 120, renotify_minutes: 60 }),
      row('response_time_above', { threshold: slow, min_duration_seconds: 120, renotify_minutes: 60 }),
      row('ssl_expiry', { threshold: 30, renotify_minutes: 720 }),
      row('domain_expiry', { threshold: 60, renotify_minutes: 720 }),
      row('anomaly', { threshold: 3, min_duration_seconds: 300, renotify_minutes: 120 }),
      row('slo_burn_fast', { renotify_minutes: 30 }),
      row('slo_burn_slow', { renotify_minutes: 120 }),
      row('flapping'),
    ],
    low_noise: [
      row('any_down', { min_duration_seconds: 300, renotify_minutes: 360, storm_max: 5, storm_window_seconds: 3600 }),
      row('ssl_expiry', { threshold: 7 }),
      row('domain_expiry', { threshold: 14 }),
      row('slo_burn_slow', { renotify_minutes: 360 }),
    ],
  }
  const allowed = new Set(conditionsFor(kind))
  return rows[preset].filter((r) => allowed.has(r.condition))
}

export function builtinTemplates(kind?: CheckKind): TemplateOutDto[] {
  const kinds = kind ? [kind] : CHECK_KINDS
  return kinds.flatMap((k) =>
    PRESETS.map((p) => ({
      id: `builtin-${k}-${p}`,
      name: PRESET_NAMES[p],
      description: null,
      check_type: k,
      builtin: true,
      rows: presetRows(k, p),
    })),
  )
}

const toOut = (t: AlertTemplateRow): TemplateOutDto => ({
  id: t.id,
  name: t.name,
  description: t.description,
  check_type: t.check_type,
  builtin: false,
  rows: (JSON.parse(t.rows) as TemplateRow[]).map((r) => ({ ...DEFAULT_PARAMS, ...r })),
})

export async function listTemplates(deps: Deps, kind?: CheckKind): Promise<TemplateOutDto[]> {
  return [...builtinTemplates(kind), ...(await deps.repos.alerts.listTemplates(kind)).map(toOut)]
}

export async function findTemplate(deps: Deps, id: string): Promise<TemplateOutDto> {
  const builtin = id.startsWith('builtin-') ? builtinTemplates().find((t) => t.id === id) : undefined
  if (builtin) return builtin
  const row = await deps.repos.alerts.findTemplate(id)
  if (!row) throw notFound('template')
  return toOut(row)
}

function checkRows(b: TemplateInput): void {
  const allowed = new Set(conditionsFor(b.check_type))
  const seen = new Set<string>()
  b.rows.forEach((r, i) => {
    if (!allowed.has(r.condition) || seen.has(r.condition))
      throw new AppError(
        'VALIDATION_FAILED',
        `body.rows.${i}.condition: duplicate or not available for ${b.check_type}`,
        {
          issues: [{ path: `body.rows.${i}.condition`, message: `duplicate or not available for ${b.check_type}` }],
        },
      )
    seen.add(r.condition)
  })
}

export async function createTemplate(deps: Deps, ctx: RequestContext, b: TemplateInput): Promise<TemplateOutDto> {
  authorize(ctx, 'alert_template:manage')
  checkRows(b)
  const now = deps.clock.now()
  const id = newId(now)
  await deps.repos.alerts.insertTemplate({
    id,
    owner_id: ctx.userId,
    name: b.name,
    description: b.description,
    check_type: b.check_type,
    rows: JSON.stringify(b.rows),
    created_at: now,
    updated_at: now,
  })
  return findTemplate(deps, id)
}

async function custom(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, 'alert_template:manage')
  if (id.startsWith('builtin-')) throw new AppError('CONFLICT', 'built-in templates are read-only')
  if (!(await deps.repos.alerts.findTemplate(id))) throw notFound('template')
}

export async function updateTemplate(deps: Deps, ctx: RequestContext, id: string, b: TemplateInput) {
  await custom(deps, ctx, id)
  checkRows(b)
  await deps.repos.alerts.updateTemplate(id, {
    name: b.name,
    description: b.description,
    check_type: b.check_type,
    rows: JSON.stringify(b.rows),
    updated_at: deps.clock.now(),
  })
  return findTemplate(deps, id)
}

export async function deleteTemplate(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await custom(deps, ctx, id)
  await deps.repos.alerts.deleteTemplate(id)
}
