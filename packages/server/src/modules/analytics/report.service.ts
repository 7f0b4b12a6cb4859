import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import type { ReportDto } from './analytics.schemas.js'
import { invalid, visibleMonitor } from './context.js'
import { buildReport } from './report.js'
import { computeUptime } from './uptime.service.js'

const MAX_SPAN_MS = 5 * 366 * 86_400_000

/** SLA report for [from, to): rollups for uptime and latency, incidents for MTTR/MTTD. */
export async function getReport(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  q: { from: string; to: string },
): Promise<ReportDto> {
  const m = await visibleMonitor(deps, ctx, id)
  const from = Date.parse(q.from)
  const to = Date.parse(q.to)
  if (!(from < to)) throw invalid('query.from', 'from must be before to')
  if (to - from > MAX_SPAN_MS) throw invalid('query.to', 'a report covers at most 5 years')
  const [uptime, incidents, slo] = await Promise.all([
    computeUptime(deps, m, from, to, 4),
    deps.repos.analytics.incidentsOverlapping(m.id, from, to),
    deps.repos.analytics.getSlo(m.id),
  ])
  return buildReport({
    monitor: m,
    from,
    to,
    now: deps.clock.now(),
    uptime,
    incidents,
    slo: slo ? { target: slo.target } : null,
  })
}
