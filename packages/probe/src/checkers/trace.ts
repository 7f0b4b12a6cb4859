import type { Socket } from 'node:net'
import type { Clock, FailurePhase, Timings, TlsInfo } from '@whatisup/shared'
import type { Outcome } from './run.js'
import type { CertFacts } from './tls-info.js'

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
  /** What {@link TlsInfo} cannot carry: the chain's shortest expiry, self-signed, host mismatch. */
  cert?: CertFacts
  /**
   * Set when the handshake resumed a session: `tls`/`cert` are then the facts of the full
   * handshake made at this epoch ms, which a resumed session does not present again.
   */
  certReadAt?: number
  remoteAddress?: string
  redirects: number
  url: string
  readonly clock: Clock
  readonly scope: CheckScope
  /**
   * What the check concludes when the hard deadline fires. Unset: a `timeout` failure. UDP sets it
   * once its datagram is out, because silence until the deadline is its "open|filtered" answer.
   */
  atDeadline?: () => Outcome
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

/**
 * Errors are reported through the phase promises; a stray late 'error' on a socket nobody listens
 * to any more would otherwise crash the whole probe.
 */
export function guard(socket: Pick<Socket, 'on'>): void {
  socket.on('error', () => {})
}
