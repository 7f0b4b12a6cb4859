import type { Deps } from '../../core/deps.js'
import { newId } from '../../core/ids.js'
import type { IncidentRow, MonitorRow } from '../../storage/repositories/index.js'
import { activeWindow, type MaintenanceSchedule } from '../maintenance/schedule.js'
import type { Scope, Verdict } from './correlate.js'
import { type DecisionContext, decide } from './decide.js'
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
      const paging = a.suppressed === null
      const incident = {
        id: newId(now),
        monitor_id: monitor.id,
        cause,
        first_failure_at: a.firstFailureAt ?? now,
        started_at: now,
        affected_probe_ids: JSON.stringify(a.affected),
        scope: a.scope,
        suppressed: a.suppressed,
        paged_at: paging ? now : null,
      }
      if (!(await deps.repos.incidents.openIfNone(incident))) return
      await deps.repos.incidents.addEvent(incident.id, now, 'opened', {
        scope: a.scope,
        affected: a.affected,
        suppressed: a.suppressed,
        detection_latency_ms: now - incident.first_failure_at,
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
        suppressed: a.suppressed,
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

/**
 * An outage that began inside a maintenance window (or while a parent was down) and is still on
 * when the suppression ends pages then. Runs on a timer and after maintenance changes.
 */
export async function releaseSuppressed(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  let released = 0
  for (const inc of await deps.repos.incidents.listOpenUnpaged()) {
    const monitor = (await deps.repos.monitors.findManyByIds([inc.monitor_id]))[0]
    if (!monitor || monitor.enabled !== 1) continue
    const ctx = await suppressionContext(deps, monitor, now)
    if (ctx.inMaintenance || ctx.parentDown) continue
    released += (await release(deps, monitor, inc, now)) ? 1 : 0
  }
  return released
}

async function release(deps: Deps, monitor: MonitorRow, inc: IncidentRow, now: number): Promise<boolean> {
  await deps.repos.incidents.update(inc.id, { paged_at: now, updated_at: now })
  const reason = inc.suppressed === 'dependency' ? 'parent recovered, still down' : 'maintenance ended, still down'
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
