import type { Scope } from './correlate.js'

/** Incidents of one owner that open within this window of each other may share a root cause. */
export const GROUP_WINDOW_MS = 2 * 60_000

export interface GroupCandidate {
  id: string
  monitorId: string
  scope: Scope
  affected: readonly string[]
  groupId: string | null
  startedAt: number
}

export type GroupReason = 'dependency' | 'probes' | 'burst'

/**
 * Which open incident a new one should join, so one root cause pages once: an ancestor's
 * incident (dependency), a regional incident seen by the same probes (a network problem), or a
 * global one opened moments ago (a shared cause such as a data centre). Pure.
 */
export function pickGroup(
  incoming: {
    monitorId: string
    scope: Scope
    affected: readonly string[]
    startedAt: number
    ancestors: ReadonlySet<string>
  },
  candidates: readonly GroupCandidate[],
): { with: GroupCandidate; reason: GroupReason } | null {
  const recent = candidates.filter(
    (c) => c.monitorId !== incoming.monitorId && incoming.startedAt - c.startedAt <= GROUP_WINDOW_MS,
  )
  const byDependency = recent.find((c) => incoming.ancestors.has(c.monitorId))
  if (byDependency) return { with: byDependency, reason: 'dependency' }
  if (incoming.scope === 'regional') {
    const shared = recent.find((c) => c.scope === 'regional' && c.affected.some((p) => incoming.affected.includes(p)))
    if (shared) return { with: shared, reason: 'probes' }
  }
  if (incoming.scope === 'global') {
    const burst = recent.find((c) => c.scope === 'global')
    if (burst) return { with: burst, reason: 'burst' }
  }
  return null
}
