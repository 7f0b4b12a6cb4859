import type { Deps } from '../../core/deps.js'

/** A probe alone failing at least this many monitors that others see up… */
const SUSPECT_MIN_MONITORS = 3
/** …and at least this share of its fresh views is suspect: its own network is the likely cause. */
const SUSPECT_MIN_SHARE = 0.3

/**
 * Marks probes offline when their heartbeats stop (they leave every quorum) and online again
 * when they return, emitting ProbeOffline / ProbeOnline once per transition.
 */
export async function sweepProbeLiveness(deps: Deps): Promise<void> {
  const now = deps.clock.now()
  const limit = deps.config.PROBE_OFFLINE_AFTER_SECONDS * 1000
  for (const p of await deps.repos.probes.list()) {
    if (p.is_active !== 1) continue
    const silent = p.last_seen_at === null ? now - p.created_at > limit : now - p.last_seen_at > limit
    if (silent && p.offline_since === null) {
      await deps.repos.probes.update(p.id, { offline_since: now })
      deps.events.emit('ProbeOffline', { probeId: p.id, at: now, lastSeenAt: p.last_seen_at })
    } else if (!silent && p.offline_since !== null) {
      await deps.repos.probes.update(p.id, { offline_since: null })
      deps.events.emit('ProbeOnline', { probeId: p.id, at: now })
    }
  }
}

/**
 * A probe that suddenly fails many unrelated monitors that the other probes see up is suspect:
 * its failures stop voting (and paging) until it agrees with the others again.
 */
export async function sweepSuspectProbes(deps: Deps, freshnessMs = 5 * 60_000): Promise<void> {
  const now = deps.clock.now()
  const counts = new Map(
    (await deps.repos.state.probeLocalFailureCounts(now - freshnessMs)).map((c) => [c.probe_id, c]),
  )
  for (const p of await deps.repos.probes.list()) {
    const c = counts.get(p.id)
    const suspect =
      c !== undefined && c.local_failures >= SUSPECT_MIN_MONITORS && c.local_failures / c.views >= SUSPECT_MIN_SHARE
    if (suspect && p.suspect_since === null) {
      await deps.repos.probes.update(p.id, { suspect_since: now })
      deps.events.emit('ProbeSuspect', { probeId: p.id, at: now, state: 'started', failingMonitors: c.local_failures })
    } else if (!suspect && p.suspect_since !== null && (c?.local_failures ?? 0) === 0) {
      await deps.repos.probes.update(p.id, { suspect_since: null })
      deps.events.emit('ProbeSuspect', { probeId: p.id, at: now, state: 'stopped', failingMonitors: 0 })
    }
  }
}
