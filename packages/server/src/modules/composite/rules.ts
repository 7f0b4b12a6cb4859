import type { COMPOSITE_RULES, MonitorStatus } from '@whatisup/shared'

export type CompositeRule = (typeof COMPOSITE_RULES)[number]

export interface MemberState {
  name: string
  role: string | null
  weight: number
  status: MonitorStatus
}

export interface CompositeOutcome {
  status: 'up' | 'degraded' | 'down' | 'unknown'
  /** Names the members that are down when the composite is down. */
  cause: string | null
  /** Percentage of the known members (by weight for weighted_up) that are up or degraded. */
  upShare: number | null
}

const label = (m: MemberState) => (m.role ? `${m.name} (${m.role})` : m.name)

/**
 * A composite's state from its members' states. Pure.
 *
 * - Members that are paused or unknown are left out; with none left the composite is unknown.
 * - A member up or degraded counts as up. all_up: every member up; any_up: at least one;
 *   majority_up: more than half; weighted_up: more than half of the members' total weight.
 * - The rule failing is down. While it holds the composite is degraded when the up share falls
 *   below `degradedBelowPercent`, or when a member is degraded (it is no better than them).
 *
 * @example
 * compositeVerdict('any_up', 75, [a_up, b_down]) // { status: 'degraded', upShare: 50, cause: null }
 */
export function compositeVerdict(
  rule: CompositeRule,
  degradedBelowPercent: number | null,
  members: readonly MemberState[],
): CompositeOutcome {
  const known = members.filter((m) => m.status === 'up' || m.status === 'degraded' || m.status === 'down')
  if (known.length === 0) return { status: 'unknown', cause: null, upShare: null }
  const weight = (m: MemberState) => (rule === 'weighted_up' ? m.weight : 1)
  const down = known.filter((m) => m.status === 'down')
  const total = known.reduce((s, m) => s + weight(m), 0)
  const upWeight = total - down.reduce((s, m) => s + weight(m), 0)
  const upCount = known.length - down.length
  const holds: Record<CompositeRule, boolean> = {
    all_up: down.length === 0,
    any_up: upCount >= 1,
    majority_up: upCount * 2 > known.length,
    weighted_up: upWeight * 2 > total,
  }
  const upShare = total > 0 ? (upWeight / total) * 100 : 0
  if (!holds[rule]) {
    return {
      status: 'down',
      cause: `Members down (${down.length} of ${known.length}): ${down.map(label).join(', ')}`,
      upShare,
    }
  }
  const degraded =
    (degradedBelowPercent !== null && upShare < degradedBelowPercent) || known.some((m) => m.status === 'degraded')
  return { status: degraded ? 'degraded' : 'up', cause: null, upShare }
}
