import type { CheckStatus, MonitorStatus } from '@whatisup/shared'

/** What the server remembers of one probe's view of one monitor. */
export interface ProbeView {
  probeId: string
  status: CheckStatus
  checkedAt: number
  since: number
  consecutiveFailures: number
  consecutiveSuccesses: number
}

/**
 * Folds one result into a probe's view. Results older than the view (replayed from a probe's
 * buffer) return null: they complete history but never move the live state.
 */
export function applyResult(
  prev: ProbeView | undefined,
  probeId: string,
  status: CheckStatus,
  at: number,
): ProbeView | null {
  if (prev && at <= prev.checkedAt) return null
  const failing = status === 'down'
  const changed = !prev || prev.status !== status
  return {
    probeId,
    status,
    checkedAt: at,
    since: changed ? at : prev.since,
    consecutiveFailures: failing ? (prev?.consecutiveFailures ?? 0) + 1 : 0,
    consecutiveSuccesses: failing ? 0 : (prev?.consecutiveSuccesses ?? 0) + 1,
  }
}

/** A probe's view counts only while it is recent: three intervals, and never less than 90 s. */
export function freshnessWindowMs(intervalSeconds: number): number {
  return Math.max(3 * intervalSeconds, 90) * 1000
}

/**
 * Foundation rule (the multi-probe engine refines it): down when every fresh probe sees it down,
 * degraded when some do or any sees it degraded, up otherwise; unknown with no fresh view.
 */
export function deriveStatus(views: readonly ProbeView[], now: number, intervalSeconds: number): MonitorStatus {
  const fresh = views.filter((v) => now - v.checkedAt <= freshnessWindowMs(intervalSeconds))
  if (fresh.length === 0) return 'unknown'
  const down = fresh.filter((v) => v.status === 'down').length
  if (down === fresh.length) return 'down'
  if (down > 0 || fresh.some((v) => v.status === 'degraded')) return 'degraded'
  return 'up'
}
