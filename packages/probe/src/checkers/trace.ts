import type { Clock, FailurePhase, Timings, TlsInfo } from '@whatisup/shared'

/** A target failure travelling up from a phase; turned into `failure: {phase, message}`, never rethrown. */
export class PhaseError extends Error {
  constructor(
    readonly phase: FailurePhase,
    message: string,
  ) {
    super(message)
  }
}

/**
 * What a check has learnt so far. Mutated as phases complete, so a deadline that fires mid-check
 * can still report the timings, certificate and address gathered before it.
 */
export interface Trace {
  phase: 'dns' | 'connect' | 'tls' | 'request' | 'response'
  readonly timings: Timings
  tls?: TlsInfo
  remoteAddress?: string
  redirects: number
  url: string
  readonly clock: Clock
  readonly scope: CheckScope
}

/** Monotonic, sub-millisecond: wall time can jump (NTP) in the middle of a check. */
export const now = (): number => performance.now()

export function addTiming(trace: Trace, key: keyof Timings, ms: number): void {
  // Summed across redirect hops, so the phases add up to the check's total latency.
  trace.timings[key] = round((trace.timings[key] ?? 0) + Math.max(0, ms))
}

export const round = (ms: number): number => Math.round(ms * 100) / 100

/**
 * Ends one check: every socket registers its closer here. Not an AbortController on purpose: its
 * abort() builds a DOMException with a stack trace, measured at ~0.08 ms CPU on every check.
 */
export class CheckScope {
  aborted = false
  private closers: Array<() => void> = []

  onAbort(close: () => void): void {
    if (this.aborted) close()
    else this.closers.push(close)
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    for (const close of this.closers.splice(0)) close()
  }
}

/** Rejects when the check ends first; for work that cannot itself be cancelled (dns.lookup). */
export function abortable<T>(promise: Promise<T>, scope: CheckScope): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    scope.onAbort(() => reject(new Error('aborted')))
    promise.then(resolve, (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))))
  })
}

export function errorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const code = (e as { code?: unknown }).code
  const text = e.message || String(code ?? 'error')
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text
}
