import type { CheckResult, CheckStatus, MonitorStatus } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import {
  type CorrelationSettings,
  confirmationTargets,
  foldResult,
  type ProbeView,
  settingsFor,
  verdict,
} from './correlate.js'
import { applyDecision, suppressionContext } from './lifecycle.js'
import { loadProbeFacts } from './probe-facts.js'

type Stored = Partial<
  Record<'failure_threshold' | 'recovery_threshold' | 'quorum' | 'flap_threshold' | 'flap_window_minutes', unknown>
>

/** The monitor's correlation settings (stored with its config; defaults for older rows). */
export function monitorSettings(m: MonitorRow): CorrelationSettings {
  const c = JSON.parse(m.config) as Stored
  const o: Partial<CorrelationSettings> = {}
  if (typeof c.failure_threshold === 'number') o.failureThreshold = c.failure_threshold
  if (typeof c.recovery_threshold === 'number') o.recoveryThreshold = c.recovery_threshold
  if (c.quorum !== undefined) o.quorum = c.quorum as CorrelationSettings['quorum']
  if (typeof c.flap_threshold === 'number') o.flapThreshold = c.flap_threshold
  if (typeof c.flap_window_minutes === 'number') o.flapWindowMs = c.flap_window_minutes * 60_000
  return settingsFor(m.interval_seconds, o)
}

type ProbeStateRow = Awaited<ReturnType<Deps['repos']['state']['probeStates']>>[number]

function toView(r: ProbeStateRow): ProbeView {
  return {
    probeId: r.probe_id,
    last: r.status as CheckStatus,
    checkedAt: r.checked_at,
    consecutiveFailures: r.consecutive_failures,
    consecutiveSuccesses: r.consecutive_successes,
    counted: r.counted as CheckStatus,
    countedSince: r.since,
    failingSince: r.failing_since,
    changes: JSON.parse(r.changes) as number[],
  }
}

/**
 * Folds a probe's new results for one monitor into its view, then decides across probes and
 * opens, updates or resolves the incident. Serialised per monitor (one writer), so concurrent
 * batches cannot double-open; the partial unique index is the backstop across replicas.
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
    const s = monitorSettings(monitor)
    const views = (await deps.repos.state.probeStates(monitor.id)).map(toView)
    let view = views.find((v) => v.probeId === probeId)
    let cause: string | null = null
    let latency: number | null = null
    let newFailure: ProbeView | null = null
    for (const r of [...results].sort((a, b) => a.checked_at - b.checked_at)) {
      // Late results (a probe replaying its buffer) are history only: they never move live state.
      if (now - r.checked_at > s.freshnessMs) continue
      const next = foldResult(view, probeId, r.status, r.checked_at, s)
      if (!next) continue
      view = next
      latency = r.latency_ms
      if (r.status === 'down') cause = r.failure ? `${r.failure.phase}: ${r.failure.message}` : 'check failed'
      if (next.consecutiveFailures === 1) newFailure = next
    }
    if (!view || latency === null) return
    await deps.repos.state.putProbeState({
      monitor_id: monitor.id,
      probe_id: probeId,
      status: view.last,
      checked_at: view.checkedAt,
      since: view.countedSince,
      consecutive_failures: view.consecutiveFailures,
      consecutive_successes: view.consecutiveSuccesses,
      counted: view.counted,
      failing_since: view.failingSince,
      changes: JSON.stringify(view.changes),
    })
    const all = [...views.filter((v) => v.probeId !== probeId), view]
    const { facts } = await loadProbeFacts(deps)
    const v = verdict(all, facts, now, s)

    if (newFailure && newFailure.checkedAt === view.checkedAt) {
      const candidates = [...facts.values()].filter((p) => p.online && !p.suspect).map((p) => p.id)
      const targets = confirmationTargets(newFailure, all, candidates)
      if (targets.length > 0) deps.events.emit('ConfirmationRequested', { monitorId: monitor.id, probeIds: targets })
    }

    const prev = await deps.repos.state.getMonitorState(monitor.id)
    const prevStatus = (prev?.status as MonitorStatus | undefined) ?? 'unknown'
    const status: MonitorStatus = v.status
    await deps.repos.state.putMonitorState({
      monitor_id: monitor.id,
      status,
      status_since: prevStatus === status ? (prev?.status_since ?? now) : now,
      last_checked_at: Math.max(...all.map((x) => x.checkedAt)),
      last_latency_ms: latency,
      flapping: v.flapping ? 1 : 0,
      scope: v.scope,
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
    const ctx = { ...(await suppressionContext(deps, monitor, now)), wasFlapping: prev?.flapping === 1 }
    await applyDecision(deps, monitor, v, ctx, now, cause)
  })
}
