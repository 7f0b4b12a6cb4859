import type { CheckResult, CheckStatus, MonitorStatus } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import {
  type CorrelationSettings,
  confirmationTargets,
  foldResult,
  type ProbeView,
  type Scope,
  settingsFor,
  verdict,
} from './correlate.js'
import { decide } from './decide.js'
import { applyDecision, suppressionContext } from './lifecycle.js'
import { loadProbeFacts } from './probe-facts.js'

type Stored = Partial<
  Record<'failure_threshold' | 'recovery_threshold' | 'quorum' | 'flap_threshold' | 'flap_window_minutes', unknown>
>

/**
 * Settings by (interval, config text): every batch evaluates its monitors again, and parsing each
 * one's config every time was a visible share of ingestion. Keyed by the exact text, so an edited
 * monitor gets fresh settings; cleared when it holds more entries than a large fleet needs.
 */
const settingsCache = new Map<string, CorrelationSettings>()
const SETTINGS_CACHE_MAX = 20_000

/** The monitor's correlation settings (stored with its config; defaults for older rows). */
export function monitorSettings(m: MonitorRow): CorrelationSettings {
  const key = `${m.interval_seconds}|${m.config}`
  const hit = settingsCache.get(key)
  if (hit) return hit
  if (settingsCache.size >= SETTINGS_CACHE_MAX) settingsCache.clear()
  // Shared by every later evaluation of this config: frozen, so no caller can change it for the others.
  const s = Object.freeze(parseSettings(m))
  settingsCache.set(key, s)
  return s
}

function parseSettings(m: MonitorRow): CorrelationSettings {
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
  await evaluateMonitors(deps, probeId, [{ monitor, results }])
}

/**
 * `evaluateMonitor` for every monitor of one probe's batch, with the reads and state writes done
 * once per batch instead of once per monitor: the monitors' locks are taken together (in id order,
 * so two batches cannot deadlock), their probe views, states and open incidents are read in one
 * query each, the new views and states are written in one upsert each, then each monitor's
 * events and incident decision follow in batch order. The suppression context (maintenance,
 * parent down) is read only for a monitor whose verdict would open an incident: it only decides
 * whether that new incident pages.
 */
export async function evaluateMonitors(
  deps: Deps,
  probeId: string,
  items: readonly { monitor: MonitorRow; results: readonly CheckResult[] }[],
): Promise<void> {
  const ids = [...new Set(items.map((i) => i.monitor.id))].sort()
  await lockAll(deps, ids, async () => {
    const live = items.filter((i) => i.monitor.enabled === 1)
    if (live.length === 0) return
    const now = deps.clock.now()
    const liveIds = live.map((i) => i.monitor.id)
    const viewsOf = await deps.repos.state.probeStatesFor(liveIds)
    const steps: Step[] = []
    for (const { monitor, results } of live) {
      const step = fold(monitor, probeId, (viewsOf.get(monitor.id) ?? []).map(toView), results, now)
      if (step) steps.push(step)
    }
    if (steps.length === 0) return
    const stepIds = steps.map((x) => x.monitor.id)
    const [{ facts }, prevOf, openOf] = await Promise.all([
      loadProbeFacts(deps),
      deps.repos.state.monitorStatesFor(stepIds),
      deps.repos.incidents.findOpenFor(stepIds),
    ])
    await deps.repos.state.putProbeStates(
      steps.map(({ monitor, view }) => ({
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
      })),
    )
    const decided = steps.map((x) => {
      const v = verdict(x.all, facts, now, x.settings)
      const prev = prevOf.get(x.monitor.id)
      const prevStatus = (prev?.status as MonitorStatus | undefined) ?? 'unknown'
      return { ...x, v, prev, prevStatus }
    })
    await deps.repos.state.putMonitorStates(
      decided.map(({ monitor, all, latency, v, prev, prevStatus }) => ({
        monitor_id: monitor.id,
        status: v.status,
        status_since: prevStatus === v.status ? (prev?.status_since ?? now) : now,
        last_checked_at: Math.max(...all.map((x) => x.checkedAt)),
        last_latency_ms: latency,
        flapping: v.flapping ? 1 : 0,
        scope: v.scope,
      })),
    )
    for (const { monitor, view, all, newFailure, v, prev, prevStatus, cause } of decided) {
      if (newFailure && newFailure.checkedAt === view.checkedAt) {
        const candidates = [...facts.values()].filter((p) => p.online && !p.suspect).map((p) => p.id)
        const targets = confirmationTargets(newFailure, all, candidates)
        if (targets.length > 0) deps.events.emit('ConfirmationRequested', { monitorId: monitor.id, probeIds: targets })
      }
      if (prevStatus !== v.status) {
        deps.events.emit('MonitorStateChanged', {
          monitorId: monitor.id,
          ownerId: monitor.owner_id,
          from: prevStatus,
          to: v.status,
          at: now,
        })
      }
      const wasFlapping = prev?.flapping === 1
      const open = openOf.get(monitor.id)
      // Nothing to apply: the same decision whatever the suppression context says.
      const quick = decide(
        v,
        open && { id: open.id, scope: open.scope as Scope, affected: JSON.parse(open.affected_probe_ids) as string[] },
        { inMaintenance: false, parentDown: false, wasFlapping },
      )
      if (quick.action.kind === 'none' && quick.flapping === null) continue
      const ctx = { ...(await suppressionContext(deps, monitor, now)), wasFlapping }
      await applyDecision(deps, monitor, v, ctx, now, cause)
    }
  })
}

interface Step {
  monitor: MonitorRow
  settings: CorrelationSettings
  view: ProbeView
  all: ProbeView[]
  latency: number
  cause: string | null
  newFailure: ProbeView | null
}

/** The probe's new view of one monitor after its fresh results; null when nothing moved it. */
function fold(
  monitor: MonitorRow,
  probeId: string,
  views: readonly ProbeView[],
  results: readonly CheckResult[],
  now: number,
): Step | null {
  const s = monitorSettings(monitor)
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
  if (!view || latency === null) return null
  const all = [...views.filter((v) => v.probeId !== probeId), view]
  return { monitor, settings: s, view, all, latency, cause, newFailure }
}

/** Runs `fn` holding every key's monitor lock, taken in the given (sorted) order. */
function lockAll<T>(deps: Deps, keys: readonly string[], fn: () => Promise<T>, i = 0): Promise<T> {
  const key = keys[i]
  return key === undefined ? fn() : deps.monitorLocks.run(key, () => lockAll(deps, keys, fn, i + 1))
}
