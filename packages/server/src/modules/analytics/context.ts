import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { invalid, notFound } from '../../core/errors.js'
import type { MonitorWithState } from '../../storage/repositories/index.js'
import type { SeriesInfo } from '../../storage/repositories/series.repository.js'
import { type Action, authorize } from '../policy/policy.js'
import type { WindowQueryIn } from './analytics.schemas.js'

/**
 * The monitor, if the caller may see it (404 otherwise: ids do not leak across tenants), and may
 * perform `action` on it (403 once visible).
 */
export async function visibleMonitor(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  action: Action = 'monitor:read',
): Promise<MonitorWithState> {
  const m = await deps.repos.monitors.findVisible(ctx, id)
  if (!m) throw notFound('monitor')
  authorize(ctx, action, m)
  return m
}

export interface MonitorKeys {
  mkey: number | null
  series: SeriesInfo[]
}

export async function monitorKeys(deps: Deps, monitorId: string): Promise<MonitorKeys> {
  const mkey = (await deps.repos.series.findMonitorKey(monitorId)) ?? null
  return { mkey, series: mkey === null ? [] : await deps.repos.series.seriesOf([mkey]) }
}

const HOUR = 3_600_000

/** `hours` back from now (default `defaultHours`), or an explicit ISO `from`/`to`. */
export function resolveWindow(q: WindowQueryIn, now: number, defaultHours = 24): { from: number; to: number } {
  if (q.from !== undefined || q.to !== undefined) {
    const to = q.to === undefined ? now : Date.parse(q.to)
    const from = q.from === undefined ? to - (q.hours ?? q.period_hours ?? defaultHours) * HOUR : Date.parse(q.from)
    if (!(from < to)) throw invalid('query.from', 'from must be before to')
    return { from, to }
  }
  return { from: now - (q.hours ?? q.period_hours ?? defaultHours) * HOUR, to: now }
}

export { invalid } from '../../core/errors.js'
