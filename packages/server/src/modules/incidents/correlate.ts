import type { CheckStatus } from '@whatisup/shared'

/**
 * The pure core of "where does it break": per-probe state with hysteresis, probe eligibility,
 * and a verdict across probes. No I/O, no clock of its own: the caller passes `now`.
 * Rules and defaults are described for users in the README ("How WhatIsUp decides").
 */

export interface CorrelationSettings {
  /** Consecutive failed checks before a probe counts the monitor as failing. */
  failureThreshold: number
  /** Consecutive good checks before a failing probe counts it as recovered. */
  recoveryThreshold: number
  /** How many eligible probes must fail for a global verdict. */
  quorum: 'majority' | 'all' | 'any' | number
  /** A probe's view older than this does not vote (it has not checked recently). */
  freshnessMs: number
  flapWindowMs: number
  /** Counted state changes within the window that make a probe's view flapping. */
  flapThreshold: number
}

export const DEFAULT_SETTINGS = {
  failureThreshold: 2,
  recoveryThreshold: 2,
  quorum: 'majority',
  flapWindowMs: 10 * 60_000,
  flapThreshold: 5,
} as const satisfies Omit<CorrelationSettings, 'freshnessMs'>

export function settingsFor(
  intervalSeconds: number,
  overrides: Partial<CorrelationSettings> = {},
): CorrelationSettings {
  return { ...DEFAULT_SETTINGS, freshnessMs: Math.max(3 * intervalSeconds, 90) * 1000, ...overrides }
}

/** What the server remembers of one probe's view of one monitor. */
export interface ProbeView {
  probeId: string
  /** Status of the latest check. */
  last: CheckStatus
  checkedAt: number
  consecutiveFailures: number
  consecutiveSuccesses: number
  /** The view after hysteresis: what this probe "says" about the monitor. */
  counted: CheckStatus
  countedSince: number
  /** When the current failing streak began (first failed check), for first_failure_at. */
  failingSince: number | null
  /** Times of counted changes inside the flap window. */
  changes: number[]
}

/**
 * Folds one check into a probe's view. Returns null for a result not newer than the view: a
 * replayed result completes history but never moves the live state.
 */
export function foldResult(
  prev: ProbeView | undefined,
  probeId: string,
  status: CheckStatus,
  at: number,
  s: CorrelationSettings,
): ProbeView | null {
  if (prev && at <= prev.checkedAt) return null
  const down = status === 'down'
  const consecutiveFailures = down ? (prev?.consecutiveFailures ?? 0) + 1 : 0
  const consecutiveSuccesses = down ? 0 : (prev?.consecutiveSuccesses ?? 0) + 1
  const failingSince = down ? (prev?.last === 'down' && prev.failingSince !== null ? prev.failingSince : at) : null
  let counted: CheckStatus
  if (!prev) counted = down ? (consecutiveFailures >= s.failureThreshold ? 'down' : 'up') : status
  else if (prev.counted === 'down') counted = !down && consecutiveSuccesses >= s.recoveryThreshold ? status : 'down'
  else counted = down ? (consecutiveFailures >= s.failureThreshold ? 'down' : prev.counted) : status
  const changed = prev !== undefined && counted !== prev.counted
  const changes = (prev?.changes ?? []).filter((t) => at - t <= s.flapWindowMs)
  if (changed) changes.push(at)
  return {
    probeId,
    last: status,
    checkedAt: at,
    consecutiveFailures,
    consecutiveSuccesses,
    counted,
    countedSince: changed || !prev ? at : prev.countedSince,
    failingSince,
    changes,
  }
}

export interface ProbeFacts {
  id: string
  /** Region or location label; probes sharing it fail together in a regional outage. */
  region: string | null
  asn: number | null
  online: boolean
  /** Failing many unrelated monitors that others see up: its failures do not page. */
  suspect: boolean
}

export type Scope = 'none' | 'probe_local' | 'partial' | 'regional' | 'global'

export interface Verdict {
  status: CheckStatus | 'unknown'
  scope: Scope
  /** Eligible probes counting the monitor down. */
  failing: string[]
  /** Eligible probes counting it up or degraded. */
  healthy: string[]
  /** Probes whose fresh view votes (online, not suspect). */
  eligible: string[]
  /** Failing probes that do not vote (suspect): shown, never paging. */
  ignored: string[]
  flapping: boolean
  flappingProbes: string[]
  /** Earliest failing streak start among the failing probes. */
  firstFailureAt: number | null
}

export function quorumCount(quorum: CorrelationSettings['quorum'], eligible: number): number {
  if (eligible === 0) return Number.POSITIVE_INFINITY
  if (quorum === 'any') return 1
  if (quorum === 'all') return eligible
  if (quorum === 'majority') return Math.floor(eligible / 2) + 1
  return Math.min(Math.max(1, quorum), eligible)
}

/** True when every failing probe shares one region or one ASN, and some healthy probe is elsewhere. */
function colocated(failing: ProbeFacts[], healthy: ProbeFacts[]): boolean {
  if (failing.length < 2 || healthy.length === 0) return false
  const same = <T>(vals: (T | null)[]) => vals[0] !== null && vals.every((v) => v === vals[0])
  const byRegion = same(failing.map((p) => p.region)) && healthy.some((p) => p.region !== failing[0]?.region)
  const byAsn = same(failing.map((p) => p.asn)) && healthy.some((p) => p.asn !== failing[0]?.asn)
  return byRegion || byAsn
}

/**
 * The verdict across probes. Regional: the failing probes share a region or ASN while probes
 * elsewhere see it up (checked first). Global: a quorum of eligible probes fails. Probe-local: one probe fails while others
 * see it up (no page; the probe is flagged). Partial: a scattered minority fails (degraded).
 */
export function verdict(
  views: readonly ProbeView[],
  probes: ReadonlyMap<string, ProbeFacts>,
  now: number,
  s: CorrelationSettings,
): Verdict {
  const fresh = views.filter((v) => now - v.checkedAt <= s.freshnessMs && probes.get(v.probeId)?.online === true)
  const ignored = fresh.filter((v) => probes.get(v.probeId)?.suspect && v.counted === 'down').map((v) => v.probeId)
  const voting = fresh.filter((v) => !probes.get(v.probeId)?.suspect)
  const failingViews = voting.filter((v) => v.counted === 'down')
  const failing = failingViews.map((v) => v.probeId)
  const healthy = voting.filter((v) => v.counted !== 'down').map((v) => v.probeId)
  const flappingProbes = voting.filter((v) => v.changes.length >= s.flapThreshold).map((v) => v.probeId)
  const quorum = quorumCount(s.quorum, voting.length)
  const starts = failingViews.map((v) => v.failingSince ?? v.countedSince)
  const base = {
    failing,
    healthy,
    eligible: voting.map((v) => v.probeId),
    ignored,
    flappingProbes,
    flapping: flappingProbes.length >= Math.min(quorum, voting.length) && flappingProbes.length > 0,
    firstFailureAt: starts.length ? Math.min(...starts) : null,
  }
  if (voting.length === 0) return { ...base, status: 'unknown', scope: 'none' }
  const degraded = voting.some((v) => v.counted === 'degraded')
  if (failing.length === 0) return { ...base, status: degraded ? 'degraded' : 'up', scope: 'none' }
  const facts = (ids: string[]) => ids.map((id) => probes.get(id)).filter((p): p is ProbeFacts => p !== undefined)
  // Confined to one region or network while probes elsewhere see it up: regional, even with a quorum.
  if (colocated(facts(failing), facts(healthy))) return { ...base, status: 'down', scope: 'regional' }
  if (failing.length >= quorum) return { ...base, status: 'down', scope: 'global' }
  if (failing.length === 1) return { ...base, status: degraded ? 'degraded' : 'up', scope: 'probe_local' }
  return { ...base, status: 'degraded', scope: 'partial' }
}

/** Scopes that are real outages: they open (and page for) an incident. */
export const PAGING_SCOPES: ReadonlySet<Scope> = new Set(['regional', 'global'])

/**
 * Probes to ask for an immediate check: when a probe has just seen a failure, every other
 * eligible probe whose latest check predates that failure should confirm or refute it now.
 */
export function confirmationTargets(view: ProbeView, all: readonly ProbeView[], eligible: readonly string[]): string[] {
  if (view.last !== 'down' || view.consecutiveFailures !== 1) return []
  return eligible.filter(
    (id) => id !== view.probeId && (all.find((v) => v.probeId === id)?.checkedAt ?? 0) < view.checkedAt,
  )
}
