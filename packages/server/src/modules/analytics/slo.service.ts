import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { notFound } from '../../core/errors.js'
import type { SloRow } from '../../storage/repositories/analytics.repository.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import { DAY_MS, MINUTE_MS } from '../../storage/timeseries/buckets.js'
import { type MinuteCounts, newCounts } from '../../storage/timeseries/rollup.js'
import { monitorKeys, visibleMonitor } from './context.js'
import { BURN_WINDOWS, type BurnWindow, computeSlo, type SloReport, worstBurnRate } from './slo.js'
import { consensusUptime, minutesPerCheck } from './stats.js'

type Views = { internal: MinuteCounts; external: MinuteCounts }

async function viewsOver(deps: Deps, mkey: number | null, from: number, to: number): Promise<Views> {
  if (mkey === null) return { internal: newCounts(), external: newCounts() }
  const plan = await deps.repos.rollups.coverPlan(from, to, deps.clock.now())
  return (
    (await deps.repos.rollups.consensusTotals([mkey], plan.segments)).get(mkey) ?? {
      internal: newCounts(),
      external: newCounts(),
    }
  )
}

/** The SLO of one monitor now: budget over its window and burn rates over 5 min … 3 days. */
export async function evaluateSlo(
  deps: Deps,
  monitor: Pick<MonitorRow, 'id' | 'interval_seconds'>,
  slo: Pick<SloRow, 'target' | 'window_days'>,
): Promise<SloReport & { monitor_id: string }> {
  const now = deps.clock.now()
  const { mkey } = await monitorKeys(deps, monitor.id)
  const windowViews = await viewsOver(deps, mkey, now - slo.window_days * DAY_MS, now)
  const u = consensusUptime(windowViews)
  const entries = await Promise.all(
    (Object.entries(BURN_WINDOWS) as [BurnWindow, number][]).map(async ([w, minutes]) => {
      const v = await viewsOver(deps, mkey, now - minutes * MINUTE_MS, now)
      return [w, worstBurnRate([v.internal, v.external], slo.target)] as const
    }),
  )
  const report = computeSlo({
    target: slo.target,
    windowDays: slo.window_days,
    uptimePercent: u.uptime_percent,
    downMinutes: u.minutes.down * minutesPerCheck(monitor.interval_seconds),
    rates: Object.fromEntries(entries) as Record<BurnWindow, number>,
  })
  return { monitor_id: monitor.id, ...report }
}

export async function getSlo(deps: Deps, ctx: RequestContext, id: string) {
  const m = await visibleMonitor(deps, ctx, id)
  const slo = await deps.repos.analytics.getSlo(m.id)
  // 404 with its own message: the monitor exists (the caller may see it), it has no SLO.
  if (!slo) throw notFound('SLO for this monitor')
  return evaluateSlo(deps, m, slo)
}

export async function putSlo(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { target: number; window_days: number },
) {
  const m = await visibleMonitor(deps, ctx, id, 'monitor:update')
  const now = deps.clock.now()
  await deps.repos.analytics.putSlo({
    monitor_id: m.id,
    target: body.target,
    window_days: body.window_days,
    created_at: now,
    updated_at: now,
  })
  deps.events.emit('MonitorUpdated', { monitorId: m.id, ownerId: m.owner_id })
  return evaluateSlo(deps, m, body)
}

export async function deleteSlo(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const m = await visibleMonitor(deps, ctx, id, 'monitor:update')
  if (!(await deps.repos.analytics.deleteSlo(m.id))) throw notFound('SLO for this monitor')
}
