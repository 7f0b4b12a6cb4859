import { type ResultBatch, ResultBatchAckSchema } from '@whatisup/shared'
import type { Logger } from '../log.js'
import { type ApiAnswer, classify, describeError, type Outcome, type ProbeApi } from './api.js'

export interface Delivery {
  outcome: Outcome
  answer?: ApiAnswer
  /** Set when no answer came at all (network error, timeout). */
  error?: unknown
}

/**
 * Posts one batch; never throws. The server refuses a whole batch when one of its monitors is no
 * longer assigned to this probe (reassigned while the results waited in the buffer) and stores
 * nothing, so the rest is sent again under the same id instead of being lost with it.
 */
export async function deliverBatch(api: ProbeApi, batch: ResultBatch, log: Logger): Promise<Delivery> {
  let current = batch
  for (;;) {
    let answer: ApiAnswer
    try {
      answer = await api.postResults(current)
    } catch (error) {
      return { outcome: 'retry', error }
    }
    const outcome = classify(answer.status)
    if (outcome === 'ok') {
      const ack = ResultBatchAckSchema.safeParse(answer.body)
      if (ack.success && ack.data.duplicate) log.debug('batch was already stored', { batch_id: batch.batch_id })
    }
    if (outcome !== 'rejected') return { outcome, answer }
    const foreign = unassignedMonitors(answer.body)
    const kept = foreign && current.results.filter((r) => !foreign.has(r.monitor_id))
    if (!kept || kept.length === 0 || kept.length === current.results.length) {
      const fields = { status: answer.status, batch_id: batch.batch_id, results_lost: current.results.length }
      log.error('server rejected a result batch: dropped', { ...fields, ...describeError(answer.body) })
      return { outcome, answer }
    }
    log.warn('results of monitors no longer assigned to this probe: dropped', {
      monitor_ids: [...foreign],
      results_lost: current.results.length - kept.length,
    })
    current = { batch_id: current.batch_id, results: kept }
  }
}

function unassignedMonitors(body: unknown): Set<string> | undefined {
  const { code, details } = (body ?? {}) as { code?: unknown; details?: { monitor_ids?: unknown } }
  const ids = details?.monitor_ids
  if (code !== 'MONITOR_NOT_ASSIGNED' || !Array.isArray(ids)) return undefined
  return new Set(ids.filter((id): id is string => typeof id === 'string'))
}
