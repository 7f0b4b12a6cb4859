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
  readonly signal: AbortSignal
}

/** Monotonic, sub-millisecond: wall time can jump (NTP) in the middle of a check. */
export const now = (): number => performance.now()

export function addTiming(trace: Trace, key: keyof Timings, ms: number): void {
  // Summed across redirect hops, so the phases add up to the check's total latency.
  trace.timings[key] = round((trace.timings[key] ?? 0) + Math.max(0, ms))
}

export const round = (ms: number): number => Math.round(ms * 100) / 100

/** Rejects when the check is aborted; for work that cannot itself be cancelled (dns.lookup). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e instanceof Error ? e : new Error(String(e)))
      },
    )
  })
}

export function errorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const code = (e as { code?: unknown }).code
  const text = e.message || String(code ?? 'error')
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text
}
