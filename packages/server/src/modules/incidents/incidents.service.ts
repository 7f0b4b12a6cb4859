import type { IncidentDetailDto, IncidentSummaryDto } from '@whatisup/shared'
import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { IncidentRow } from '../../storage/repositories/index.js'
import { authorize } from '../policy/policy.js'
import { renderPostmortem } from './postmortem.js'

type WithMonitor = IncidentRow & { monitor_name: string; owner_id: string }

export function toSummary(i: WithMonitor): IncidentSummaryDto {
  return {
    id: i.id,
    monitor_id: i.monitor_id,
    monitor_name: i.monitor_name,
    status: i.resolved_at === null ? 'open' : 'resolved',
    scope: i.scope,
    cause: i.cause,
    affected_probe_ids: JSON.parse(i.affected_probe_ids) as string[],
    suppressed: i.suppressed,
    paged: i.paged_at !== null,
    group_id: i.group_id,
    first_failure_at: iso(i.first_failure_at),
    started_at: iso(i.started_at),
    resolved_at: iso(i.resolved_at),
    duration_seconds: i.resolved_at === null ? null : Math.round((i.resolved_at - i.started_at) / 1000),
    mttd_seconds: Math.round((i.started_at - i.first_failure_at) / 1000),
    mttr_seconds: i.resolved_at === null ? null : Math.round((i.resolved_at - i.first_failure_at) / 1000),
    acked_at: iso(i.acked_at),
    acked_by: i.acked_by,
    snooze_until: iso(i.snooze_until),
  }
}

async function load(deps: Deps, ctx: RequestContext, id: string) {
  const i = await deps.repos.incidents.findVisible(ctx, id)
  if (!i) throw notFound('incident')
  return i
}

export async function listIncidents(
  deps: Deps,
  ctx: RequestContext,
  q: { resolved?: boolean | undefined; days: number; limit: number },
) {
  const since = deps.clock.now() - q.days * 86_400_000
  return (await deps.repos.incidents.list(ctx, { ...q, since })).map(toSummary)
}

export async function getIncident(deps: Deps, ctx: RequestContext, id: string): Promise<IncidentDetailDto> {
  const i = await load(deps, ctx, id)
  const [events, updates] = await Promise.all([deps.repos.incidents.events(id), deps.repos.incidents.updates(id)])
  return {
    ...toSummary(i),
    timeline: events.map((e) => ({
      at: iso(e.at),
      kind: e.kind,
      data: e.data ? (JSON.parse(e.data) as Record<string, unknown>) : null,
    })),
    updates: updates.map((u) => ({
      id: u.id,
      status: u.status as IncidentDetailDto['updates'][number]['status'],
      message: u.message,
      is_public: u.is_public === 1,
      created_by: u.created_by,
      created_at: iso(u.created_at),
    })),
    postmortem: i.postmortem,
  }
}

async function mutable(deps: Deps, ctx: RequestContext, id: string) {
  const i = await load(deps, ctx, id)
  authorize(ctx, 'monitor:update', i)
  return i
}

async function who(deps: Deps, ctx: RequestContext): Promise<string> {
  return (await deps.repos.users.findById(ctx.userId))?.username ?? ctx.userId
}

export async function ack(deps: Deps, ctx: RequestContext, id: string, on: boolean): Promise<IncidentDetailDto> {
  const i = await mutable(deps, ctx, id)
  if (i.resolved_at !== null) throw new AppError('CONFLICT', 'the incident is resolved')
  const now = deps.clock.now()
  const by = await who(deps, ctx)
  await deps.repos.incidents.update(
    id,
    on ? { acked_at: now, acked_by: by, updated_at: now } : { acked_at: null, acked_by: null, updated_at: now },
  )
  await deps.repos.incidents.addEvent(id, now, on ? 'acked' : 'unacked', { by })
  return getIncident(deps, ctx, id)
}

export async function bulkAck(deps: Deps, ctx: RequestContext, ids: readonly string[]): Promise<{ affected: number }> {
  let affected = 0
  for (const id of new Set(ids)) {
    const i = await deps.repos.incidents.findVisible(ctx, id)
    if (!i || i.resolved_at !== null || i.acked_at !== null) continue
    await ack(deps, ctx, id, true)
    affected++
  }
  return { affected }
}

export async function snooze(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  minutes: number | null,
): Promise<IncidentDetailDto> {
  const i = await mutable(deps, ctx, id)
  if (i.resolved_at !== null) throw new AppError('CONFLICT', 'the incident is resolved')
  const now = deps.clock.now()
  const until = minutes === null ? null : now + minutes * 60_000
  await deps.repos.incidents.update(id, { snooze_until: until, updated_at: now })
  await deps.repos.incidents.addEvent(
    id,
    now,
    until === null ? 'unsnoozed' : 'snoozed',
    until === null ? { by: await who(deps, ctx) } : { until: iso(until), by: await who(deps, ctx) },
  )
  return getIncident(deps, ctx, id)
}

export async function addUpdate(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { status: string; message: string; is_public: boolean },
) {
  await mutable(deps, ctx, id)
  const now = deps.clock.now()
  await deps.repos.incidents.addUpdate({
    id: newId(now),
    incident_id: id,
    status: body.status,
    message: body.message,
    is_public: body.is_public ? 1 : 0,
    created_by: await who(deps, ctx),
    created_at: now,
  })
  return (await getIncident(deps, ctx, id)).updates
}

export async function deleteUpdate(deps: Deps, ctx: RequestContext, id: string, updateId: string): Promise<void> {
  await mutable(deps, ctx, id)
  if (!(await deps.repos.incidents.deleteUpdate(id, updateId))) throw notFound('incident update')
}

/** The stored post-mortem, or a draft rendered now while the incident is open. */
export async function postmortem(
  deps: Deps,
  ctx: RequestContext,
  id: string,
): Promise<{ content: string; generated_at: string }> {
  const i = await load(deps, ctx, id)
  if (i.postmortem) return { content: i.postmortem, generated_at: iso(i.resolved_at ?? i.started_at) }
  return { content: await renderFor(deps, i, i.monitor_name), generated_at: iso(deps.clock.now()) }
}

export async function renderFor(deps: Deps, i: IncidentRow, monitorName: string): Promise<string> {
  const [events, updates, probes] = await Promise.all([
    deps.repos.incidents.events(i.id),
    deps.repos.incidents.updates(i.id),
    deps.repos.probes.list(),
  ])
  return renderPostmortem(monitorName, i, events, updates, new Map(probes.map((p) => [p.id, p.name])))
}

export async function listGroups(
  deps: Deps,
  ctx: RequestContext,
  q: { status?: 'open' | 'resolved' | undefined; limit: number },
) {
  const rows = await deps.repos.incidents.listGroups(ctx, {
    open: q.status === undefined ? undefined : q.status === 'open',
    limit: q.limit,
  })
  return rows.map((g) => ({
    id: g.id,
    reason: g.reason,
    status: g.resolved_at === null ? ('open' as const) : ('resolved' as const),
    leader_incident_id: g.leader_incident_id,
    opened_at: iso(g.opened_at),
    resolved_at: iso(g.resolved_at),
    member_count: Number(g.member_count ?? 0),
  }))
}

/** A group and its member incidents, if the caller may see the group. */
export async function getGroup(deps: Deps, ctx: RequestContext, id: string) {
  const g = await deps.repos.incidents.findGroup(id)
  if (!g || (!ctx.isSuperadmin && g.owner_id !== ctx.userId)) throw notFound('incident group')
  const members = await deps.repos.incidents.groupMembers(id)
  const visible = await Promise.all(members.map((m) => deps.repos.incidents.findVisible(ctx, m.id)))
  return {
    id: g.id,
    reason: g.reason,
    status: g.resolved_at === null ? ('open' as const) : ('resolved' as const),
    leader_incident_id: g.leader_incident_id,
    opened_at: iso(g.opened_at),
    resolved_at: iso(g.resolved_at),
    incidents: visible.filter((v) => v !== undefined).map(toSummary),
  }
}
