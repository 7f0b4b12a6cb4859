import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { AlertRuleRow, AlertRuleWithChannels } from '../../storage/repositories/index.js'
import { authorize } from '../policy/policy.js'
import type { RuleCreateInput, RuleOutDto, RulePatchInput } from './alerting.schemas.js'
import { withinSchedule } from './decide.js'
import { toSpec } from './rules.js'
import type { AlertCondition, RuleParams } from './types.js'

export const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] })

export function paramsOf(p: RuleParams): RuleParams {
  return {
    threshold: p.threshold,
    min_duration_seconds: p.min_duration_seconds,
    renotify_minutes: p.renotify_minutes,
    schedule: p.schedule,
    storm_max: p.storm_max,
    storm_window_seconds: p.storm_window_seconds,
    digest_minutes: p.digest_minutes,
  }
}

export function toRuleOut(r: AlertRuleWithChannels): RuleOutDto {
  const target: RuleOutDto['target'] =
    r.target_kind === 'monitor'
      ? { kind: 'monitor', monitor_id: r.monitor_id ?? '' }
      : r.target_kind === 'group'
        ? { kind: 'group', group_id: r.group_id ?? '' }
        : r.target_kind === 'tag'
          ? { kind: 'tag', tags: JSON.parse(r.tag_selector ?? '[]') as string[] }
          : r.target_kind === 'probes'
            ? { kind: 'probes' }
            : { kind: 'all' }
  return {
    id: r.id,
    name: r.name,
    condition: r.condition as AlertCondition,
    target,
    enabled: r.enabled === 1,
    channel_ids: r.channel_ids,
    owner_id: r.owner_id,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    ...paramsOf(toSpec(r)),
  }
}

/** Schedule time zone and channel ids are checked against reality, not just their shape. */
export async function checkParams(
  deps: Deps,
  ctx: RequestContext,
  p: RuleParams,
  channelIds: readonly string[],
  at = 'body',
) {
  if (p.schedule) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: p.schedule.timezone })
      withinSchedule(p.schedule, 0)
    } catch {
      throw invalid(`${at}.schedule.timezone`, `unknown time zone ${p.schedule.timezone}`)
    }
  }
  const visible = await deps.repos.alerts.visibleChannelIds(ctx, channelIds)
  const i = channelIds.findIndex((id) => !visible.has(id))
  if (i >= 0) throw invalid(`${at}.channel_ids.${i}`, 'unknown channel')
}

export async function loadRule(deps: Deps, ctx: RequestContext, id: string): Promise<AlertRuleWithChannels> {
  const r = await deps.repos.alerts.findRuleVisible(ctx, id)
  if (!r) throw notFound('alert rule')
  return r
}

export async function listRules(deps: Deps, ctx: RequestContext): Promise<RuleOutDto[]> {
  return (await deps.repos.alerts.listRules(ctx)).map(toRuleOut)
}

export async function getRule(deps: Deps, ctx: RequestContext, id: string): Promise<RuleOutDto> {
  return toRuleOut(await loadRule(deps, ctx, id))
}

export async function createRule(deps: Deps, ctx: RequestContext, b: RuleCreateInput): Promise<RuleOutDto> {
  authorize(ctx, 'alert:manage')
  const t = b.target
  if ((b.condition === 'probe_offline') !== (t.kind === 'probes'))
    throw invalid('body.target.kind', 'probe_offline rules target "probes", and only they do')
  if (t.kind === 'probes') authorize(ctx, 'alert:probe_rules')
  if (t.kind === 'monitor' && !(await deps.repos.monitors.findVisible(ctx, t.monitor_id)))
    throw invalid('body.target.monitor_id', 'unknown monitor')
  if (t.kind === 'group' && !(await deps.repos.groups.findGroupVisible(ctx, t.group_id)))
    throw invalid('body.target.group_id', 'unknown group')
  const params = paramsOf(b)
  await checkParams(deps, ctx, params, b.channel_ids)
  const now = deps.clock.now()
  const row: AlertRuleRow = {
    id: newId(now),
    owner_id: ctx.userId,
    team_id: null,
    name: b.name,
    condition: b.condition,
    target_kind: t.kind,
    monitor_id: t.kind === 'monitor' ? t.monitor_id : null,
    group_id: t.kind === 'group' ? t.group_id : null,
    tag_selector: t.kind === 'tag' ? JSON.stringify([...new Set(t.tags)]) : null,
    enabled: b.enabled ? 1 : 0,
    params: JSON.stringify(params),
    created_at: now,
    updated_at: now,
  }
  await deps.repos.alerts.saveRule(row, b.channel_ids, true)
  return getRule(deps, ctx, row.id)
}

export async function updateRule(deps: Deps, ctx: RequestContext, id: string, b: RulePatchInput): Promise<RuleOutDto> {
  const r = await loadRule(deps, ctx, id)
  authorize(ctx, 'alert:manage', r)
  const { name, enabled, channel_ids, ...patch } = b
  const params = paramsOf({
    ...toSpec(r),
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
  } as RuleParams)
  const channels = channel_ids ?? r.channel_ids
  await checkParams(deps, ctx, params, channels)
  const { channel_ids: _c, ...row } = r
  await deps.repos.alerts.saveRule(
    {
      ...row,
      name: name ?? r.name,
      enabled: enabled === undefined ? r.enabled : enabled ? 1 : 0,
      params: JSON.stringify(params),
      updated_at: deps.clock.now(),
    },
    channels,
    false,
  )
  return getRule(deps, ctx, id)
}

export async function deleteRule(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const r = await loadRule(deps, ctx, id)
  authorize(ctx, 'alert:manage', r)
  await deps.repos.alerts.deleteRules([id])
}
