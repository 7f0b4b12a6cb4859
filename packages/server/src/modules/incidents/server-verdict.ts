import type { MonitorStatus } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import type { Verdict } from './correlate.js'
import { applyDecision, suppressionContext } from './lifecycle.js'

export interface ServerVerdict {
  /** `unknown`: nothing to go on yet (a composite whose members are all unknown or paused). */
  status: 'up' | 'degraded' | 'down' | 'unknown'
  /** When the state was observed (a missed deadline's instant, a ping's arrival). */
  at: number
  /** Shown on the incident; for a composite, the members that are down. */
  cause: string | null
}

/**
 * Feeds the state of a monitor the server evaluates itself (heartbeat, composite, manual) into the
 * same pipeline as probe verdicts: monitor_state, `MonitorStateChanged`, then the incident
 * decision with maintenance, dependency and grouping suppression. There are no probe views: a
 * down server-side monitor is a global outage with no affected probes. Idempotent: the same
 * verdict again changes nothing but `last_checked_at` (and a changed cause on the open incident).
 *
 * @example
 * await evaluateServerMonitor(deps, monitor, { status: 'down', at: deadline, cause: 'no ping since 03:00' })
 */
export async function evaluateServerMonitor(deps: Deps, monitor: MonitorRow, input: ServerVerdict): Promise<void> {
  await deps.monitorLocks.run(monitor.id, async () => {
    const fresh = (await deps.repos.monitors.findManyByIds([monitor.id]))[0]
    if (fresh?.enabled !== 1) return
    const now = deps.clock.now()
    const prev = await deps.repos.state.getMonitorState(monitor.id)
    const prevStatus = (prev?.status as MonitorStatus | undefined) ?? 'unknown'
    const status: MonitorStatus = input.status
    const down = status === 'down'
    await deps.repos.state.putMonitorState({
      monitor_id: monitor.id,
      status,
      status_since: prevStatus === status ? (prev?.status_since ?? input.at) : input.at,
      last_checked_at: Math.max(input.at, prev?.last_checked_at ?? 0),
      last_latency_ms: null,
      flapping: 0,
      scope: down ? 'global' : null,
    })
    if (prevStatus !== status) {
      deps.events.emit('MonitorStateChanged', {
        monitorId: monitor.id,
        ownerId: fresh.owner_id,
        from: prevStatus,
        to: status,
        at: input.at,
      })
    }
    const v: Verdict = {
      status,
      scope: down ? 'global' : 'none',
      failing: [],
      healthy: [],
      eligible: [],
      ignored: [],
      flapping: false,
      flappingProbes: [],
      firstFailureAt: down ? input.at : null,
    }
    const open = await deps.repos.incidents.findOpen(monitor.id)
    const ctx = { ...(await suppressionContext(deps, fresh, now)), wasFlapping: false }
    await applyDecision(deps, fresh, v, ctx, now, input.cause)
    // A composite's set of down members can change during one outage: keep the cause current.
    if (down && open && input.cause !== null && open.cause !== input.cause) {
      await deps.repos.incidents.update(open.id, { cause: input.cause, updated_at: now })
      await deps.repos.incidents.addEvent(open.id, now, 'cause_changed', { from: open.cause, to: input.cause })
    }
  })
}
