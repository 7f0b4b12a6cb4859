import {
  type Clock,
  DIAGNOSTIC_TIMEOUT_MS,
  type DiagnosticKind,
  type DiagnosticResult,
  type DiagnosticTarget,
  systemClock,
  type TimerHandle,
} from '@whatisup/shared'
import type { NetworkPolicy } from '../checkers/types.js'
import { type Collector, DiagnosticError } from './collector.js'
import { dnsCollector } from './dns.js'
import { httpCollector } from './http.js'
import { type PingCollectorOptions, pingCollector } from './ping.js'
import { tlsCollector } from './tls.js'
import { type TracerouteOptions, tracerouteCollector } from './traceroute.js'

/** One collector per kind: a new kind fails the build until it has one. */
export type CollectorRegistry = { [K in DiagnosticKind]: Collector<K> }

export function createCollectors(options: TracerouteOptions & PingCollectorOptions = {}): CollectorRegistry {
  return {
    traceroute: tracerouteCollector(options),
    dns: dnsCollector(),
    ping: pingCollector(options),
    tls: tlsCollector(),
    http: httpCollector(),
  }
}

export interface RunDiagnosticsOptions {
  target: DiagnosticTarget
  kinds: readonly DiagnosticKind[]
  policy: NetworkPolicy
  collectors?: CollectorRegistry
  clock?: Clock
  timeoutMs?: number
}

/** A collector that ignores its abort gets this long to settle before it is reported as a timeout. */
const SETTLE_MS = 500

/**
 * Runs the requested collectors in parallel, each under its own deadline. One collector failing
 * (a tool missing, the SSRF guard, a timeout) is that result's `error`; the others still count.
 *
 * @example
 * const results = await runDiagnostics({ target: { host: 'example.com' }, kinds: ['dns', 'ping'], policy })
 */
export async function runDiagnostics(options: RunDiagnosticsOptions): Promise<DiagnosticResult[]> {
  const collectors = options.collectors ?? createCollectors()
  const clock = options.clock ?? systemClock
  const timeoutMs = options.timeoutMs ?? DIAGNOSTIC_TIMEOUT_MS
  return Promise.all(
    [...new Set(options.kinds)].map((kind) =>
      runOne(kind, collectors[kind] as Collector, options.target, options.policy, clock, timeoutMs),
    ),
  )
}

async function runOne(
  kind: DiagnosticKind,
  collector: Collector,
  target: DiagnosticTarget,
  policy: NetworkPolicy,
  clock: Clock,
  timeoutMs: number,
): Promise<DiagnosticResult> {
  const started = performance.now()
  const abort = new AbortController()
  let settle: (() => void) | undefined
  const backstop = new Promise<'timeout'>((resolve) => {
    settle = () => resolve('timeout')
  })
  let graceTimer: TimerHandle | undefined
  const deadline = clock.setTimeout(() => {
    abort.abort()
    graceTimer = clock.setTimeout(() => settle?.(), SETTLE_MS)
  }, timeoutMs)
  const done = (r: Pick<DiagnosticResult, 'payload' | 'raw' | 'error'>) =>
    ({
      kind,
      ...r,
      duration_ms: Math.round(performance.now() - started),
      collected_at: clock.now(),
    }) as DiagnosticResult
  try {
    const outcome = await Promise.race([collector({ target, policy, signal: abort.signal }), backstop])
    if (outcome === 'timeout') return done({ payload: null, raw: null, error: 'timeout' })
    // Stopped at the deadline with what it had (a partial traceroute): still marked as a timeout.
    return done(abort.signal.aborted && outcome.error === null ? { ...outcome, error: 'timeout' } : outcome)
  } catch (e) {
    const error = abort.signal.aborted ? 'timeout' : describe(e)
    return done({ payload: null, raw: null, error })
  } finally {
    clock.clearTimeout(deadline)
    if (graceTimer) clock.clearTimeout(graceTimer)
  }
}

function describe(e: unknown): string {
  if (e instanceof DiagnosticError) return e.message.slice(0, 300)
  const name = e instanceof Error ? e.name : 'Error'
  const code = (e as { code?: unknown }).code
  const message = e instanceof Error ? e.message : String(e)
  return `${name}: ${typeof code === 'string' && !message.includes(code) ? `${code} ` : ''}${message}`.slice(0, 300)
}
