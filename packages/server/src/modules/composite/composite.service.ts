import type { CompositeMemberDto, MonitorStatus } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import type {
  GroupMemberRow,
  GroupMonitorState,
  MemberWithState,
  MonitorRow,
} from '../../storage/repositories/index.js'
import { evaluateServerMonitor } from '../incidents/index.js'
import { authorize } from '../policy/policy.js'
import { type CompositeRule, compositeVerdict, type MemberState } from './rules.js'

/** Members per composite; a composite of composites counts each composite as one member. */
const MAX_MEMBERS = 100

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] })

const memberStatus = (m: { enabled: number; status: string | null }): MonitorStatus =>
  m.enabled !== 1 ? 'paused' : ((m.status as MonitorStatus | null) ?? 'unknown')

const WORST_FIRST: readonly MonitorStatus[] = ['down', 'degraded', 'up', 'unknown', 'paused']

function toMemberOut(m: MemberWithState): CompositeMemberDto {
  return {
    member_type: 'monitor',
    monitor_id: m.member_id,
    name: m.name,
    check_type: m.check_type,
    status: memberStatus(m),
    weight: m.weight,
    role: m.role,
  }
}

/** A group member: its status is its worst monitor's (the composite itself left out). */
function toGroupMemberOut(g: GroupMemberRow, monitors: readonly GroupMonitorState[]): CompositeMemberDto {
  const states = new Set(
    monitors.filter((m) => m.group_id === g.member_id && m.id !== g.composite_id).map(memberStatus),
  )
  return {
    member_type: 'group',
    monitor_id: g.member_id,
    name: g.name,
    check_type: 'group',
    status: WORST_FIRST.find((s) => states.has(s)) ?? 'unknown',
    weight: g.weight,
    role: g.role,
  }
}

/**
 * The members a composite evaluates now: its monitors, then the monitors of its groups (each with
 * its group member's weight, named with the group unless the member has a role). A monitor listed
 * directly and through a group counts once, as listed directly; the composite never counts itself.
 */
async function expandedMembers(deps: Deps, id: string): Promise<MemberState[]> {
  const direct = await deps.repos.composites.members(id)
  const groups = await deps.repos.composites.groupMembers(id)
  const inGroups = await deps.repos.composites.groupMonitors(groups.map((g) => g.member_id))
  const seen = new Set([id, ...direct.map((d) => d.member_id)])
  const out: MemberState[] = direct.map((x) => ({
    name: x.name,
    role: x.role,
    weight: x.weight,
    status: memberStatus(x),
  }))
  for (const g of groups) {
    for (const m of inGroups) {
      if (m.group_id !== g.member_id || seen.has(m.id)) continue
      seen.add(m.id)
      out.push({ name: m.name, role: g.role ?? g.name, weight: g.weight, status: memberStatus(m) })
    }
  }
  return out
}

async function loadComposite(deps: Deps, ctx: RequestContext, id: string, change: boolean): Promise<MonitorRow> {
  const m = await deps.repos.monitors.findVisible(ctx, id)
  if (!m) throw notFound('monitor')
  if (change) authorize(ctx, 'monitor:update', m)
  if (m.check_type !== 'composite') throw new AppError('VALIDATION_FAILED', 'not a composite monitor')
  return m
}

/** Would adding `memberId` to `compositeId` close a loop (the member already contains the composite)? */
async function wouldCycle(deps: Deps, compositeId: string, memberId: string): Promise<boolean> {
  if (memberId === compositeId) return true
  const seen = new Set([memberId])
  let frontier = [memberId]
  while (frontier.length > 0) {
    const next: string[] = []
    for (const e of await deps.repos.composites.edgesFrom(frontier)) {
      if (e.member_id === compositeId) return true
      if (!seen.has(e.member_id)) {
        seen.add(e.member_id)
        next.push(e.member_id)
      }
    }
    frontier = next
  }
  return false
}

export async function listMembers(deps: Deps, ctx: RequestContext, id: string): Promise<CompositeMemberDto[]> {
  await loadComposite(deps, ctx, id, false)
  const groups = await deps.repos.composites.groupMembers(id)
  const inGroups = await deps.repos.composites.groupMonitors(groups.map((g) => g.member_id))
  return [
    ...(await deps.repos.composites.members(id)).map(toMemberOut),
    ...groups.map((g) => toGroupMemberOut(g, inGroups)),
  ]
}

/**
 * Would filing `monitorId` (a composite) in group `groupId` close a loop? It would become a member
 * of every composite holding the group. Answers the name of a composite on the loop, or null.
 */
export async function groupCycle(deps: Deps, monitorId: string, groupId: string): Promise<string | null> {
  for (const parent of await deps.repos.composites.parentsOfGroups([groupId])) {
    if (await wouldCycle(deps, parent, monitorId)) {
      return (await deps.repos.monitors.findManyByIds([parent]))[0]?.name ?? parent
    }
  }
  return null
}

/** Re-evaluates every composite holding one of these groups (their membership changed). */
export async function reevaluateGroupParents(deps: Deps, groupIds: readonly string[]): Promise<void> {
  for (const parent of await deps.repos.composites.parentsOfGroups(groupIds)) await evaluateComposite(deps, parent)
}

/**
 * Adds a member: a monitor the caller can see and the composite's owner (or team) owns, not the
 * composite itself, not one that already contains it (no cycles; composites of composites are fine);
 * or such a group, none of whose monitors may be the composite or contain it.
 */
export async function addMember(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { monitor_id?: string | undefined; group_id?: string | undefined; weight: number; role: string | null },
): Promise<CompositeMemberDto[]> {
  const composite = await loadComposite(deps, ctx, id, true)
  if (body.group_id !== undefined) return addGroupMember(deps, ctx, composite, { ...body, group_id: body.group_id })
  const member = await deps.repos.monitors.findVisible(ctx, body.monitor_id ?? '')
  const sameOwner =
    member !== undefined &&
    (member.owner_id === composite.owner_id || (composite.team_id !== null && member.team_id === composite.team_id))
  if (!member || !sameOwner) throw invalid('body.monitor_id', 'unknown monitor')
  if (member.id === id) throw invalid('body.monitor_id', 'a composite cannot contain itself')
  if (await wouldCycle(deps, id, member.id)) {
    throw invalid('body.monitor_id', `${member.name} already contains this composite: that would be a cycle`)
  }
  if ((await deps.repos.composites.count(id)) >= MAX_MEMBERS) {
    throw invalid('body.monitor_id', `at most ${MAX_MEMBERS} members`)
  }
  const added = await deps.repos.composites.add({
    composite_id: id,
    member_id: member.id,
    member_type: 'monitor',
    weight: body.weight,
    role: body.role || null,
    created_at: deps.clock.now(),
  })
  if (!added) throw new AppError('CONFLICT', 'this monitor is already a member')
  await evaluateComposite(deps, id)
  return listMembers(deps, ctx, id)
}

async function addGroupMember(
  deps: Deps,
  ctx: RequestContext,
  composite: MonitorRow,
  body: { group_id: string; weight: number; role: string | null },
): Promise<CompositeMemberDto[]> {
  const id = composite.id
  const group = await deps.repos.groups.findGroupVisible(ctx, body.group_id)
  const sameOwner =
    group !== undefined &&
    (group.owner_id === composite.owner_id || (composite.team_id !== null && group.team_id === composite.team_id))
  if (!group || !sameOwner) throw invalid('body.group_id', 'unknown group')
  for (const m of await deps.repos.composites.groupMonitors([group.id])) {
    if (m.id === id || (await wouldCycle(deps, id, m.id))) {
      throw invalid(
        'body.group_id',
        `${m.id === id ? 'this composite is' : `${m.name} is`} in ${group.name} and contains this composite: that would be a cycle`,
      )
    }
  }
  if ((await deps.repos.composites.count(id)) >= MAX_MEMBERS) {
    throw invalid('body.group_id', `at most ${MAX_MEMBERS} members`)
  }
  const added = await deps.repos.composites.add({
    composite_id: id,
    member_id: group.id,
    member_type: 'group',
    weight: body.weight,
    role: body.role || null,
    created_at: deps.clock.now(),
  })
  if (!added) throw new AppError('CONFLICT', 'this group is already a member')
  await evaluateComposite(deps, id)
  return listMembers(deps, ctx, id)
}

export async function updateMember(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  memberId: string,
  patch: { weight?: number | undefined; role?: string | null | undefined },
): Promise<CompositeMemberDto[]> {
  await loadComposite(deps, ctx, id, true)
  if (!(await deps.repos.composites.find(id, memberId))) throw notFound('composite member')
  await deps.repos.composites.update(id, memberId, {
    ...(patch.weight !== undefined ? { weight: patch.weight } : {}),
    ...(patch.role !== undefined ? { role: patch.role || null } : {}),
  })
  await evaluateComposite(deps, id)
  return listMembers(deps, ctx, id)
}

export async function removeMember(deps: Deps, ctx: RequestContext, id: string, memberId: string): Promise<void> {
  await loadComposite(deps, ctx, id, true)
  if (!(await deps.repos.composites.remove(id, memberId))) throw notFound('composite member')
  await evaluateComposite(deps, id)
}

/**
 * Recomputes a composite from its members' current states and feeds the result to the incident
 * pipeline. Serialised per composite, and the members are read inside the lock, so the last
 * evaluation always sees the latest member states.
 */
export async function evaluateComposite(deps: Deps, id: string): Promise<void> {
  await deps.monitorLocks.run(`composite:${id}`, async () => {
    const m = (await deps.repos.monitors.findManyByIds([id]))[0]
    if (m?.check_type !== 'composite' || m.enabled !== 1) return
    const config = JSON.parse(m.config) as { rule?: CompositeRule; degraded_below_percent?: number | null }
    const members = await expandedMembers(deps, id)
    const r = compositeVerdict(config.rule ?? 'all_up', config.degraded_below_percent ?? null, members)
    await evaluateServerMonitor(deps, m, { status: r.status, at: deps.clock.now(), cause: r.cause })
  })
}

/** After a create or update: a composite is (re)evaluated; a monitor that stopped being one loses its members. */
export async function syncComposite(deps: Deps, m: MonitorRow, before: MonitorRow | null): Promise<void> {
  if (m.check_type !== 'composite') {
    if (before?.check_type === 'composite') await deps.repos.composites.clear(m.id)
    return
  }
  await evaluateComposite(deps, m.id)
}

/** Re-evaluates every composite that contains this monitor (its state, name or pause changed). */
export async function reevaluateParents(deps: Deps, memberId: string): Promise<void> {
  for (const parent of await deps.repos.composites.parentsOf(memberId)) await evaluateComposite(deps, parent)
}

/** A deleted monitor leaves its composites, which are then re-evaluated without it. */
export async function onMemberDeleted(deps: Deps, memberId: string): Promise<void> {
  const parents = await deps.repos.composites.parentsOf(memberId)
  await deps.repos.composites.removeMemberEverywhere(memberId)
  for (const parent of parents) await evaluateComposite(deps, parent)
}
