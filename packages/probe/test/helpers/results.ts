import type { CheckResult, ResultBatch } from '@whatisup/shared'
import { createLogger, type Logger } from '../../src/log.js'

export const T0 = 1_767_225_600_000

/** Results whose `checked_at` encodes their production order. */
export function results(from: number, count: number, monitorId = 'm1'): CheckResult[] {
  return Array.from({ length: count }, (_, i) => ({
    monitor_id: monitorId,
    checked_at: T0 + from + i,
    status: 'up' as const,
    latency_ms: 1,
  }))
}

export function batch(id: string, from: number, count: number): ResultBatch {
  return { batch_id: id, results: results(from, count) }
}

/** A logger whose lines tests can inspect. */
export function captureLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  return {
    log: createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }),
    lines,
  }
}
