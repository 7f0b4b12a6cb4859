import type { Socket } from 'node:net'
import { createSecureContext, rootCertificates, type SecureContext, type TLSSocket } from 'node:tls'
import type { CheckResult } from '@whatisup/shared'
import { type CompiledConditions, conditionCompiler, outcome } from './conditions.js'
import { type ConnectOptions, openConnection, type Target } from './connect.js'
import { runCheck } from './run.js'
import { upgradeTls } from './tls.js'
import { addTiming, errorMessage, now, PhaseError, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'

/** The database and broker kinds: same settings shape (host, port, credentials, tls). */
export type ServiceKind = 'postgres' | 'mysql' | 'redis' | 'mqtt'

export interface ServiceCheckerOptions {
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  extraCa?: readonly string[]
}

/** `[RESULT]`: a value as text, `null` for SQL NULL / a nil reply, `undefined` when there was none. */
export type ServiceValue = string | null | undefined

/** One running service check: what it has learnt so far, kept even when the deadline cuts it short. */
export interface Session {
  readonly trace: Trace
  /** What the check waits for once connected ("login", "query"…), named in the timeout message. */
  step?: string
  readonly details: Record<string, unknown>
  readonly connect: ConnectOptions
  readonly timeoutMs: number
}

/**
 * A checker for one service kind: `work` gets a session and returns `[RESULT]`; everything else
 * (deadline, conditions, `expected_value`, details, TLS facts) is shared.
 *
 * @example
 * export const createRedisChecker = (o: ServiceCheckerOptions = {}) => serviceChecker('redis', o, askRedis)
 */
export function serviceChecker<K extends ServiceKind>(
  kind: K,
  options: ServiceCheckerOptions,
  work: (monitor: ProbeMonitor<K>, session: Session) => Promise<ServiceValue>,
): Checker<K> {
  // `ca` replaces the trust store, so the bundled roots are kept alongside the extra ones.
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined
  const secureContext = createSecureContext(ca ? { ca } : {})
  const conditionsOf = conditionCompiler(kind)
  return {
    run: (ctx) => runServiceCheck(ctx, conditionsOf(ctx.monitor), secureContext, (s) => work(ctx.monitor, s)),
  }
}

function runServiceCheck<K extends ServiceKind>(
  ctx: CheckContext<K>,
  conditions: CompiledConditions,
  secureContext: SecureContext,
  work: (session: Session) => Promise<ServiceValue>,
): Promise<CheckResult> {
  const { monitor } = ctx
  const timeoutMs = monitor.timeout_seconds * 1000
  const ignoreTlsErrors = monitor.ignore_tls_errors
  return runCheck(ctx, conditions, async (trace) => {
    const session: Session = {
      trace,
      details: {},
      connect: { policy: ctx.policy, secureContext, ignoreTlsErrors },
      timeoutMs,
    }
    trace.atDeadline = () => {
      const stalled = session.step ?? trace.phase
      const message = `no complete answer within ${monitor.timeout_seconds}s (stalled in ${stalled})`
      return { failure: new PhaseError('timeout', message), details: detailsOf(session) }
    }
    let value: ServiceValue
    try {
      value = await work(session)
    } catch (e) {
      const failure = e instanceof PhaseError ? e : new PhaseError('response', errorMessage(e))
      return { failure, details: detailsOf(session) }
    }
    if (value !== undefined) session.details.result = clip(value)
    const extra = monitor.expected_value === null ? [] : [expectation(monitor.expected_value, value)]
    return { details: detailsOf(session), facts: { values: value === undefined ? {} : { RESULT: value } }, extra }
  })
}

const detailsOf = (session: Session) => (Object.keys(session.details).length ? session.details : undefined)

/** `expected_value` is exact text: the condition language would compare "1.0" and "1" as numbers. */
function expectation(expected: string, value: ServiceValue) {
  const condition = `[RESULT] == ${JSON.stringify(expected)}`
  if (value === undefined) return outcome(condition, false, 'null', 'no value (no row, no message)')
  return outcome(condition, value === expected, value ?? 'null')
}

/**
 * Resolves and vets the host with the probe's network policy, then dials the vetted address itself
 * (TLS on top when `secure`): clients get this connected socket, never a hostname, so DNS
 * rebinding has no window.
 */
export function dialService(session: Session, target: Target): Promise<Socket> {
  return openConnection(target, session.connect, session.trace)
}

/** TLS over a socket that the protocol has already prepared for it (PostgreSQL's SSLRequest). */
export function startTls(session: Session, raw: Socket, target: Target): Promise<TLSSocket> {
  session.step = 'TLS handshake'
  return upgradeTls(raw, target, session.connect, session.trace)
}

/** Times one request/answer round trip into `ttfb_ms`. */
export async function timed<T>(session: Session, step: string, request: () => Promise<T>): Promise<T> {
  session.step = step
  session.trace.phase = 'response'
  const started = now()
  try {
    return await request()
  } finally {
    // An error answer is an answer too: its round trip is still the server's response time.
    addTiming(session.trace, 'ttfb_ms', now() - started)
  }
}

export const clip = (value: string | null, max = 1024): string | null =>
  value !== null && value.length > max ? `${value.slice(0, max)}…` : value
