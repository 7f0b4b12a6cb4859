import type { CheckResult, ResultBatch, ResultBatchAck } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import type { ProbeRow } from '../../storage/repositories/index.js'
import { evaluateMonitor } from '../incidents/index.js'
import { isAssigned } from '../probes/probes.service.js'

const STATUS_CODE = { up: 0, degraded: 1, down: 2 } as const

/**
 * Ingests one batch: validate assignment → store (idempotent on batch_id) → evaluate per monitor.
 * The batch is acknowledged only once stored, so nothing acknowledged is lost.
 */
export async function ingestBatch(deps: Deps, probe: ProbeRow, batch: ResultBatch): Promise<ResultBatchAck> {
  const ids = [...new Set(batch.results.map((r) => r.monitor_id))]
  const monitors = new Map((await deps.repos.monitors.findManyByIds(ids)).map((m) => [m.id, m]))
  const foreign = ids.filter((id) => {
    const m = monitors.get(id)
    return m !== undefined && !isAssigned(probe, m)
  })
  if (foreign.length > 0) {
    throw new AppError('MONITOR_NOT_ASSIGNED', `this probe is not assigned monitor ${foreign[0]}`, {
      monitor_ids: foreign,
    })
  }
  // A monitor deleted while its results were in flight: drop those results, keep the rest.
  const kept = batch.results.filter((r) => monitors.has(r.monitor_id))
  const now = deps.clock.now()
  const { duplicate } = await deps.repos.results.insertBatch(
    probe.id,
    batch.batch_id,
    kept.map((r) => ({
      monitor_id: r.monitor_id,
      probe_id: probe.id,
      checked_at: r.checked_at,
      status: STATUS_CODE[r.status],
      latency_ms: r.latency_ms,
      http_status: r.http_status ?? null,
      detail: detailJson(r),
    })),
    now,
  )
  if (duplicate) return { accepted: 0, duplicate: true }
  await deps.repos.probes.update(probe.id, { last_seen_at: now })

  const byMonitor = new Map<string, CheckResult[]>()
  for (const r of kept) {
    const list = byMonitor.get(r.monitor_id)
    if (list) list.push(r)
    else byMonitor.set(r.monitor_id, [r])
  }
  for (const [id, results] of byMonitor) {
    const m = monitors.get(id)
    if (m) await evaluateMonitor(deps, m, probe.id, results)
  }
  deps.events.emit('ResultsRecorded', { probeId: probe.id, count: kept.length, monitorIds: [...byMonitor.keys()] })
  return { accepted: kept.length, duplicate: false }
}

function detailJson(r: CheckResult): string | null {
  const d: Record<string, unknown> = {}
  if (r.timings) d.timings = r.timings
  if (r.failure) d.failure = r.failure
  if (r.tls) d.tls = r.tls
  if (r.remote_address) d.remote_address = r.remote_address
  if (r.final_url) d.final_url = r.final_url
  if (r.redirect_count) d.redirect_count = r.redirect_count
  if (r.conditions?.length) d.conditions = r.conditions
  if (r.details) d.details = r.details
  return Object.keys(d).length === 0 ? null : JSON.stringify(d)
}
