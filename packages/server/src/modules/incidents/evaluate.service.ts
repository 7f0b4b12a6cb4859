import type { CheckResult, CheckStatus, MonitorStatus } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { newId } from '../../core/ids.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import { applyResult, deriveStatus, freshnessWindowMs, type ProbeView } from './verdict.js'

/**
 * Folds a probe's new results for one monitor into its state and opens or resolves incidents.
 * Serialised per monitor (one writer), so concurrent batches cannot double-open.
 */
export async function evaluateMonitor(
  deps: Deps,
  monitor: MonitorRow,
  probeId: string,
  results: readonly CheckResult[],
): Promise<void> {
  await deps.monitorLocks.run(monitor.id, async () => {
    if (monitor.enabled !== 1) return
    const now = deps.clock.now()
    const rows = await deps.repos.state.probeStates(monitor.id)
    let view: ProbeView | undefined = rows.map(toView).find((v) => v.probeId === probeId)
    let lastFailure: string | null = null
    let changed = false
    for (const r of [...results].sort((a, b) => a.checked_at - b.checked_at)) {
      // Too old to speak for the present: stored as history, no effect on the live state.
      if (now - r.checked_at > freshnessWindowMs(monitor.interval_seconds)) continue
      const next = applyResult(view, probeId, r.status, r.checked_at)
      if (!next) continue
      view = next
      changed = true
      if (r.status === 'down') lastFailure = r.failure ? `${r.failure.phase}: ${r.failure.message}` : 'check failed'
    }
    if (!changed || !view) return
    await deps.repos.state.putProbeState({
      monitor_id: monitor.id,
      probe_id: probeId,
      status: view.status,
      checked_at: view.checkedAt,
      since: view.since,
      consecutive_failures: view.consecutiveFailures,
      consecutive_successes: view.consecutiveSuccesses,
    })
    const views = [...rows.map(toView).filter((v) => v.probeId !== probeId), view]
    const status = deriveStatus(views, now, monitor.interval_seconds)
    const latest = results.reduce((a, b) => (b.checked_at > a.checked_at ? b : a))
    await applyVerdict(deps, monitor, status, views, now, latest.latency_ms, lastFailure)
  })
}

function toView(r: {
  probe_id: string
  status: string
  checked_at: number
  since: number
  consecutive_failures: number
  consecutive_successes: number
}): ProbeView {
  return {
    probeId: r.probe_id,
    status: r.status as CheckStatus,
    checkedAt: r.checked_at,
    since: r.since,
    consecutiveFailures: r.consecutive_failures,
    consecutiveSuccesses: r.consecutive_successes,
  }
}

async function applyVerdict(
  deps: Deps,
  monitor: MonitorRow,
  status: MonitorStatus,
  views: ProbeView[],
  now: number,
  latencyMs: number,
  cause: string | null,
): Promise<void> {
  const prev = await deps.repos.state.getMonitorState(monitor.id)
  const prevStatus = (prev?.status as MonitorStatus | undefined) ?? 'unknown'
  const lastChecked = Math.max(...views.map((v) => v.checkedAt))
  await deps.repos.state.putMonitorState({
    monitor_id: monitor.id,
    status,
    status_since: prevStatus === status ? (prev?.status_since ?? now) : now,
    last_checked_at: lastChecked,
    last_latency_ms: latencyMs,
  })
  if (prevStatus !== status) {
    deps.events.emit('MonitorStateChanged', {
      monitorId: monitor.id,
      ownerId: monitor.owner_id,
      from: prevStatus,
      to: status,
      at: now,
    })
  }

  const open = await deps.repos.incidents.findOpen(monitor.id)
  if (status === 'down' && !open) {
    const failing = views.filter((v) => v.status === 'down')
    const incident = {
      id: newId(now),
      monitor_id: monitor.id,
      cause,
      first_failure_at: Math.min(...failing.map((v) => v.since)),
      started_at: now,
      resolved_at: null,
      affected_probe_ids: JSON.stringify(failing.map((v) => v.probeId)),
    }
    if (await deps.repos.incidents.openIfNone(incident)) {
      deps.events.emit('IncidentOpened', {
        incidentId: incident.id,
        monitorId: monitor.id,
        ownerId: monitor.owner_id,
        at: now,
        cause,
      })
    }
  } else if (open && (status === 'up' || status === 'degraded')) {
    await deps.repos.incidents.resolve(open.id, now)
    deps.events.emit('IncidentResolved', {
      incidentId: open.id,
      monitorId: monitor.id,
      ownerId: monitor.owner_id,
      at: now,
      durationSeconds: Math.round((now - open.started_at) / 1000),
    })
  }
}
