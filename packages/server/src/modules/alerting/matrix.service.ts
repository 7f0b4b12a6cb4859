import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { AlertRuleWithChannels, MonitorWithState } from '../../storage/repositories/index.js'
import { authorize } from '../policy/policy.js'
import type { MatrixOutDto, MatrixRowInput } from './alerting.schemas.js'
import { toSpec } from './rules.js'
import { checkParams, invalid, paramsOf } from './rules.service.js'
import { conditionsFor, findTemplate } from './templates.js'
import { type AlertCondition, DEFAULT_PARAMS, DEFAULT_THRESHOLD } from './types.js'

export async function visibleMonitor(deps: Deps, ctx: RequestContext, id: string): Promise<MonitorWithState> {
  const m = await deps.repos.monitors.findVisible(ctx, id)
  if (!m) throw notFound('monitor')
  return m
}

/** The caller's monitor-targeted rules for this monitor, one per condition (their own first). */
async function matrixRules(deps: Deps, ctx: RequestContext, monitorId: string) {
  const rules = (await deps.repos.alerts.listRules(ctx, { monitorId })).filter((r) => r.target_kind === 'monitor')
  const by = new Map<AlertCondition, AlertRuleWithChannels>()
  for (const r of [...rules].sort((a, b) => Number(b.owner_id === ctx.userId) - Number(a.owner_id === ctx.userId)))
    if (!by.has(r.condition as AlertCondition)) by.set(r.condition as AlertCondition, r)
  return by
}

export async function getMatrix(deps: Deps, ctx: RequestContext, monitorId: string): Promise<MatrixOutDto> {
  const m = await visibleMonitor(deps, ctx, monitorId)
  const conditions = conditionsFor(m.check_type)
  const rules = await matrixRules(deps, ctx, m.id)
  return {
    monitor_id: m.id,
    check_type: m.check_type,
    conditions,
    rows: conditions.map((condition) => {
      const r = rules.get(condition)
      if (r)
        return {
          condition,
          rule_id: r.id,
          enabled: r.enabled === 1,
          channel_ids: r.channel_ids,
          ...paramsOf(toSpec(r)),
        }
      return {
        condition,
        rule_id: null,
        enabled: false,
        channel_ids: [],
        ...DEFAULT_PARAMS,
        threshold: DEFAULT_THRESHOLD[condition] ?? null,
      }
    }),
  }
}

/** Rows must be distinct conditions this monitor's kind offers. */
export function checkRows(checkType: string, rows: readonly { condition: AlertCondition }[]): void {
  const allowed = new Set(conditionsFor(checkType))
  const seen = new Set<AlertCondition>()
  rows.forEach((r, i) => {
    if (seen.has(r.condition)) throw invalid(`body.rows.${i}.condition`, 'duplicate condition')
    if (!allowed.has(r.condition)) throw invalid(`body.rows.${i}.condition`, `not available for ${checkType} monitors`)
    seen.add(r.condition)
  })
}

/** Upserts one rule per row and deletes the caller's rules for conditions left out. */
export async function putMatrix(
  deps: Deps,
  ctx: RequestContext,
  monitorId: string,
  rows: readonly MatrixRowInput[],
): Promise<MatrixOutDto> {
  const m = await visibleMonitor(deps, ctx, monitorId)
  checkRows(m.check_type, rows)
  for (const [i, r] of rows.entries()) await checkParams(deps, ctx, paramsOf(r), r.channel_ids, `body.rows.${i}`)
  const existing = await matrixRules(deps, ctx, m.id)
  for (const r of existing.values()) authorize(ctx, 'alert:manage', r)
  const now = deps.clock.now()
  for (const r of rows) {
    const rule = existing.get(r.condition)
    const params = JSON.stringify(paramsOf(r))
    if (rule) {
      const { channel_ids: _c, ...row } = rule
      await deps.repos.alerts.saveRule(
        { ...row, enabled: r.enabled ? 1 : 0, params, updated_at: now },
        r.channel_ids,
        false,
      )
    } else {
      await deps.repos.alerts.saveRule(
        {
          id: newId(now),
          owner_id: ctx.userId,
          team_id: null,
          name: `${m.name} · ${r.condition}`,
          condition: r.condition,
          target_kind: 'monitor',
          group_id: null,
          monitor_id: m.id,
          tag_selector: null,
          enabled: r.enabled ? 1 : 0,
          params,
          created_at: now,
          updated_at: now,
        },
        r.channel_ids,
        true,
      )
    }
  }
  const kept = new Set(rows.map((r) => r.condition))
  await deps.repos.alerts.deleteRules(
    [...existing.values()].filter((r) => !kept.has(r.condition as AlertCondition)).map((r) => r.id),
  )
  return getMatrix(deps, ctx, m.id)
}

/** A template applied in one call: its rows (for this kind), with these channels, replace the matrix. */
export async function applyTemplate(
  deps: Deps,
  ctx: RequestContext,
  monitorId: string,
  b: { template_id: string; channel_ids: string[] },
): Promise<MatrixOutDto> {
  const m = await visibleMonitor(deps, ctx, monitorId)
  const t = await findTemplate(deps, b.template_id)
  const allowed = new Set(conditionsFor(m.check_type))
  const rows = t.rows.filter((r) => allowed.has(r.condition)).map((r) => ({ ...r, channel_ids: b.channel_ids }))
  return putMatrix(deps, ctx, m.id, rows)
}
