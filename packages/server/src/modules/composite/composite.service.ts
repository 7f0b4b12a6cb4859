import type { CompositeMemberDto, MonitorStatus } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import type { MemberWithState, MonitorRow } from '../../storage/repositories/index.js'
import { evaluateServerMonitor } from '../incidents/index.js'
import { authorize } from '../policy/policy.js'
import { type CompositeRule, compositeVerdict } from './rules.js'

/** Members per composite; a composite of composites counts each composite as one member. */
const MAX_MEMBERS = 100

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] })

const memberStatus = (m: MemberWithState): MonitorStatus =>
  m.enabled !== 1 ? 'paused' : ((m.status as MonitorStatus | null) ?? 'unknown')

function toMemberOut(m: MemberWithState): CompositeMemberDto {
  return {
    monitor_id: m.member_id,
    name: m.name,
    check_type: m.check_type,
    status: memberStatus(m),
    weight: m.weight,
    role: m.role,
  }
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
  return (await deps.repos.composites.members(id)).map(toMemberOut)
}

/**
 * Adds a member: a monitor the caller can see and the composite's owner (or team) owns, not the
 * composite itself, not one that already contains it (no cycles; composites of composites are fine).
 */
export async function addMember(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { monitor_id: string; weight: number; role: string | null },
): Promise<CompositeMemberDto[]> {
  const composite = await loadComposite(deps, ctx, id, true)
  const member = await deps.repos.monitors.findVisible(ctx, body.monitor_id)
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
    weight: body.weight,
    role: body.role || null,
    created_at: deps.clock.now(),
  })
  if (!added) throw new AppError('CONFLICT', 'this monitor is already a member')
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
    const members = (await deps.repos.composites.members(id)).map((x) => ({
      name: x.name,
      role: x.role,
      weight: x.weight,
      status: memberStatus(x),
    }))
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
