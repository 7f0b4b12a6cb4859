import type { Scope } from './correlate.js'

/** Incidents whose monitors sit on one dependency edge join when they open within this of each other. */
export const DEPENDENCY_WINDOW_MS = 5 * 60_000
/** Incidents covering at least half of one monitor group join when they open within this. */
export const MONITOR_GROUP_WINDOW_MS = 2 * 60_000
/** Incidents failing on the same probes join when they open within this. */
export const PROBES_WINDOW_MS = 90_000
/** How far back a new incident looks for one to join: the longest window above. */
export const GROUP_WINDOW_MS = DEPENDENCY_WINDOW_MS

export interface GroupCandidate {
  id: string
  monitorId: string
  /** The monitor group of the incident's monitor (null: ungrouped). */
  monitorGroupId: string | null
  scope: Scope
  affected: readonly string[]
  groupId: string | null
  startedAt: number
}

export type GroupReason = 'dependency' | 'monitor_group' | 'probes'

/**
 * Which open incident a new one should join, so one root cause pages once (the first rule that
 * holds wins):
 * - dependency: an ancestor's incident opened within 5 min (a shared upstream);
 * - monitor_group: with it, open incidents (opened within 2 min) cover at least half of the new
 *   incident's monitor group (at least 2 monitors), e.g. a service's backend going down;
 * - probes: an incident of the same scope (both regional or both global) opened within 90 s on
 *   some of the same failing probes (a network or data-centre problem); two incidents with no
 *   probe at all (heartbeats and other monitors the server itself judges) share the server as
 *   their observer, e.g. several cron jobs of one host going silent together. Pure.
 */
export function pickGroup(
  incoming: {
    monitorId: string
    /** The monitor's group and its member count, when it has one. */
    monitorGroup?: { id: string; size: number } | null
    scope: Scope
    affected: readonly string[]
    startedAt: number
    ancestors: ReadonlySet<string>
  },
  candidates: readonly GroupCandidate[],
): { with: GroupCandidate; reason: GroupReason } | null {
  const within = (ms: number) =>
    candidates.filter((c) => c.monitorId !== incoming.monitorId && incoming.startedAt - c.startedAt <= ms)
  const byDependency = within(DEPENDENCY_WINDOW_MS).find((c) => incoming.ancestors.has(c.monitorId))
  if (byDependency) return { with: byDependency, reason: 'dependency' }
  const mg = incoming.monitorGroup
  if (mg && mg.size >= 2) {
    const same = within(MONITOR_GROUP_WINDOW_MS).filter((c) => c.monitorGroupId === mg.id)
    const monitorsDown = new Set(same.map((c) => c.monitorId)).size + 1
    const first = same[0]
    if (first && monitorsDown * 2 >= mg.size) return { with: first, reason: 'monitor_group' }
  }
  if (incoming.scope === 'regional' || incoming.scope === 'global') {
    const sameObserver = (affected: readonly string[]) =>
      affected.length === 0 && incoming.affected.length === 0
        ? true
        : affected.some((p) => incoming.affected.includes(p))
    const shared = within(PROBES_WINDOW_MS).find((c) => c.scope === incoming.scope && sameObserver(c.affected))
    if (shared) return { with: shared, reason: 'probes' }
  }
  return null
}
