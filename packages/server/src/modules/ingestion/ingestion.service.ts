import type { CheckResult, ResultBatch, ResultBatchAck } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import type { ProbeRow } from '../../storage/repositories/index.js'
import type { IngestItem } from '../../storage/repositories/results.repository.js'
import { STATUS_CODE } from '../../storage/timeseries/codec.js'
import { evaluateMonitors } from '../incidents/index.js'
import { isAssigned } from '../probes/probes.service.js'
import { type DetailMemory, decideDetail } from './detail-policy.js'
import { maintenanceFlagger } from './maintenance.js'
import { rawCutoff } from './retention-policy.js'

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
  const inMaintenance = await maintenanceFlagger(
    deps,
    [...new Set(kept.map((r) => r.monitor_id))].map((id) => monitors.get(id)!),
  )
  const memory = detailMemory(deps)
  // Remembered only once the batch is stored: a failed batch must not suppress the next detail.
  const remembered = new Map<string, DetailMemory>()
  const items: IngestItem[] = kept.map((r) => {
    const m = monitors.get(r.monitor_id)!
    const key = `${probe.id}:${r.monitor_id}`
    const decided = decideDetail(r, remembered.get(key) ?? memory.get(key))
    if (decided.memory) remembered.set(key, decided.memory)
    return {
      monitorId: r.monitor_id,
      at: r.checked_at,
      status: STATUS_CODE[r.status],
      maintenance: inMaintenance(m, r.checked_at),
      latencyMs: r.latency_ms,
      httpStatus: r.http_status ?? null,
      timings: r.timings ?? null,
      detail: decided.detail,
    }
  })
  // Raw rows, rollups and the probe's last_seen_at are written in one transaction; results past raw
  // retention only roll up.
  const { duplicate } = await deps.repos.results.ingest({
    probeId: probe.id,
    networkType: probe.network_type,
    batchId: batch.batch_id,
    now,
    rawCutoff: rawCutoff(deps.config, now),
    items,
  })
  if (duplicate) return { accepted: 0, duplicate: true }
  for (const [k, v] of remembered) memory.set(k, v)

  const byMonitor = new Map<string, CheckResult[]>()
  for (const r of kept) {
    const list = byMonitor.get(r.monitor_id)
    if (list) list.push(r)
    else byMonitor.set(r.monitor_id, [r])
  }
  await evaluateMonitors(
    deps,
    probe.id,
    [...byMonitor].map(([id, results]) => ({ monitor: monitors.get(id)!, results })),
  )
  deps.events.emit('ResultsRecorded', { probeId: probe.id, count: kept.length, monitorIds: [...byMonitor.keys()] })
  return { accepted: kept.length, duplicate: false }
}

const memories = new WeakMap<Deps, Map<string, DetailMemory>>()
/** Per probe × monitor: the facts last stored, so unchanged details are not stored again. */
function detailMemory(deps: Deps): Map<string, DetailMemory> {
  let m = memories.get(deps)
  if (!m) {
    m = new Map()
    memories.set(deps, m)
  }
  return m
}
