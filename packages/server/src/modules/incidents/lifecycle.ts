import type { Deps } from '../../core/deps.js'
import { newId } from '../../core/ids.js'
import type { IncidentRow, MonitorRow } from '../../storage/repositories/index.js'
import { activeWindow, type MaintenanceSchedule } from '../maintenance/schedule.js'
import type { Scope, Verdict } from './correlate.js'
import { type DecisionContext, decide } from './decide.js'
import { GROUP_WINDOW_MS, pickGroup } from './grouping.js'
import { renderFor } from './incidents.service.js'

/** Is the monitor inside a maintenance window, and is any parent it depends on down? */
export async function suppressionContext(
  deps: Deps,
  monitor: MonitorRow,
  now: number,
): Promise<Omit<DecisionContext, 'wasFlapping'>> {
  const windows = await deps.repos.maintenance.forMonitor(monitor.id, monitor.owner_id)
  const inMaintenance = windows.some((w) => activeWindow(JSON.parse(w.schedule) as MaintenanceSchedule, now) !== null)
  const parents = (await deps.repos.maintenance.parents(monitor.id)).map((p) => p.parent_id)
  const parentDown = (await deps.repos.maintenance.withOpenIncident(parents)).size > 0
  return { inMaintenance, parentDown }
}

/** Applies the engine's decision: incident rows, timeline entries and domain events. */
export async function applyDecision(
  deps: Deps,
  monitor: MonitorRow,
  v: Verdict,
  ctx: DecisionContext,
  now: number,
  cause: string | null,
): Promise<void> {
  const open = await deps.repos.incidents.findOpen(monitor.id)
  const d = decide(
    v,
    open && { id: open.id, scope: open.scope as Scope, affected: JSON.parse(open.affected_probe_ids) as string[] },
    ctx,
  )
  if (d.flapping) {
    deps.events.emit('MonitorFlapping', {
      monitorId: monitor.id,
      ownerId: monitor.owner_id,
      at: now,
      state: d.flapping,
      probeIds: v.flappingProbes,
    })
    if (open) await deps.repos.incidents.addEvent(open.id, now, `flapping_${d.flapping}`, { probes: v.flappingProbes })
  }
  const a = d.action
  switch (a.kind) {
    case 'none':
      return
    case 'open': {
      const group = a.suppressed === null ? await findGroup(deps, monitor, a.scope, a.affected, now) : null
      const suppressed = a.suppressed ?? (group ? 'grouped' : null)
      const paging = suppressed === null
      const incident = {
        id: newId(now),
        monitor_id: monitor.id,
        cause,
        first_failure_at: a.firstFailureAt ?? now,
        started_at: now,
        affected_probe_ids: JSON.stringify(a.affected),
        scope: a.scope,
        suppressed,
        paged_at: paging ? now : null,
        group_id: null,
      }
      if (!(await deps.repos.incidents.openIfNone(incident))) return
      const groupId = group ? await joinGroup(deps, monitor.owner_id, group, incident.id, now) : null
      await deps.repos.incidents.addEvent(incident.id, now, 'opened', {
        scope: a.scope,
        affected: a.affected,
        suppressed,
        detection_latency_ms: now - incident.first_failure_at,
        ...(group ? { group_id: groupId, grouped_with: group.with.monitorId, group_reason: group.reason } : {}),
      })
      deps.events.emit('IncidentOpened', {
        incidentId: incident.id,
        monitorId: monitor.id,
        ownerId: monitor.owner_id,
        at: now,
        cause,
        scope: a.scope,
        affectedProbeIds: a.affected,
        paging,
        suppressed,
        groupId,
      })
      return
    }
    case 'update': {
      if (!open) return
      await deps.repos.incidents.update(open.id, {
        scope: a.scope,
        affected_probe_ids: JSON.stringify(a.affected),
        updated_at: now,
      })
      await deps.repos.incidents.addEvent(open.id, now, a.escalated ? 'escalated' : 'scope_changed', {
        from: open.scope,
        to: a.scope,
        affected: a.affected,
      })
      deps.events.emit('IncidentUpdated', {
        incidentId: open.id,
        monitorId: monitor.id,
        ownerId: monitor.owner_id,
        at: now,
        scope: a.scope,
        previousScope: open.scope,
        affectedProbeIds: a.affected,
        escalated: a.escalated,
      })
      return
    }
    case 'resolve': {
      if (!open || !(await deps.repos.incidents.resolve(open.id, now))) return
      await deps.repos.incidents.addEvent(open.id, now, 'resolved', { duration_ms: now - open.started_at })
      const resolved = { ...open, resolved_at: now, scope: open.scope }
      await deps.repos.incidents.update(open.id, { postmortem: await renderFor(deps, resolved, monitor.name) })
      if (open.group_id) await handOverGroup(deps, open.group_id, now)
      deps.events.emit('IncidentResolved', {
        incidentId: open.id,
        monitorId: monitor.id,
        ownerId: monitor.owner_id,
        at: now,
        durationSeconds: Math.round((now - open.started_at) / 1000),
        paged: open.paged_at !== null,
      })
    }
  }
}

/** Ancestors of a monitor through its dependencies (bounded walk, cycles cannot exist). */
async function ancestors(deps: Deps, monitorId: string): Promise<Set<string>> {
  const seen = new Set<string>()
  let frontier = [monitorId]
  for (let depth = 0; depth < 10 && frontier.length; depth++) {
    const next: string[] = []
    for (const id of frontier)
      for (const p of await deps.repos.maintenance.parents(id)) if (!seen.has(p.parent_id)) next.push(p.parent_id)
    for (const id of next) seen.add(id)
    frontier = next
  }
  return seen
}

async function findGroup(deps: Deps, monitor: MonitorRow, scope: Scope, affected: string[], now: number) {
  const open = await deps.repos.incidents.recentOpenForOwner(monitor.owner_id, now - GROUP_WINDOW_MS)
  const candidates = open
    .filter((i) => i.paged_at !== null || i.suppressed === 'grouped')
    .map((i) => ({
      id: i.id,
      monitorId: i.monitor_id,
      monitorGroupId: i.monitor_group_id,
      scope: i.scope as Scope,
      affected: JSON.parse(i.affected_probe_ids) as string[],
      groupId: i.group_id,
      startedAt: i.started_at,
    }))
  const monitorGroup = monitor.group_id
    ? { id: monitor.group_id, size: (await deps.repos.groups.groupMemberIds([monitor.group_id])).length }
    : null
  return pickGroup(
    {
      monitorId: monitor.id,
      monitorGroup,
      scope,
      affected,
      startedAt: now,
      ancestors: await ancestors(deps, monitor.id),
    },
    candidates,
  )
}

/** Puts the new incident in the candidate's group, creating the group (led by the candidate) if needed. */
async function joinGroup(
  deps: Deps,
  ownerId: string,
  g: NonNullable<ReturnType<typeof pickGroup>>,
  incidentId: string,
  now: number,
): Promise<string> {
  let groupId = g.with.groupId
  if (!groupId) {
    groupId = newId(now)
    await deps.repos.incidents.insertGroup({
      id: groupId,
      owner_id: ownerId,
      leader_incident_id: g.with.id,
      reason: g.reason,
      opened_at: now,
      resolved_at: null,
    })
    await deps.repos.incidents.update(g.with.id, { group_id: groupId })
  }
  await deps.repos.incidents.update(incidentId, { group_id: groupId })
  return groupId
}

/**
 * The leader of a group resolved. If members are still down, the earliest becomes the leader and
 * pages (its outage is not over); when none is left the group resolves.
 */
async function handOverGroup(deps: Deps, groupId: string, now: number): Promise<void> {
  const group = await deps.repos.incidents.findGroup(groupId)
  if (!group || group.resolved_at !== null) return
  const open = (await deps.repos.incidents.groupMembers(groupId)).filter((i) => i.resolved_at === null)
  const next = open[0]
  if (!next) return deps.repos.incidents.resolveGroup(groupId, now)
  const leaderOpen = open.some((i) => i.id === group.leader_incident_id)
  if (leaderOpen) return
  await deps.repos.incidents.updateGroupLeader(groupId, next.id)
  if (next.paged_at === null) {
    const monitor = (await deps.repos.monitors.findManyByIds([next.monitor_id]))[0]
    if (monitor) await release(deps, monitor, next, now, 'the grouped outage it belonged to ended, this one did not')
  }
}

/**
 * An outage that began inside a maintenance window (or while a parent was down) and is still on
 * when the suppression ends pages then. Runs on a timer and after maintenance changes.
 */
export async function releaseSuppressed(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  let released = 0
  for (const inc of await deps.repos.incidents.listOpenUnpaged()) {
    const monitor = (await deps.repos.monitors.findManyByIds([inc.monitor_id]))[0]
    if (monitor?.enabled !== 1 || inc.suppressed === 'grouped') continue
    const ctx = await suppressionContext(deps, monitor, now)
    if (ctx.inMaintenance || ctx.parentDown) continue
    const reason = inc.suppressed === 'dependency' ? 'parent recovered, still down' : 'maintenance ended, still down'
    released += (await release(deps, monitor, inc, now, reason)) ? 1 : 0
  }
  return released
}

async function release(
  deps: Deps,
  monitor: MonitorRow,
  inc: IncidentRow,
  now: number,
  reason: string,
): Promise<boolean> {
  await deps.repos.incidents.update(inc.id, { paged_at: now, updated_at: now })
  await deps.repos.incidents.addEvent(inc.id, now, 'released', { reason })
  deps.events.emit('IncidentReleased', {
    incidentId: inc.id,
    monitorId: monitor.id,
    ownerId: monitor.owner_id,
    at: now,
    reason,
  })
  return true
}
