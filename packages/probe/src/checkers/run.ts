import type { CheckResult, CheckStatus, ConditionContext, ConditionOutcome, ProbeKind } from '@whatisup/shared'
import { type CompiledConditions, judgeConditions } from './conditions.js'
import { chainDetails } from './tls-info.js'
import { CheckScope, errorMessage, now, PhaseError, round, type Trace } from './trace.js'
import type { CheckContext } from './types.js'

/**
 * What a checker's work concluded. No `failure` and no `degraded` means the transport side is up;
 * conditions can still make the result worse, never better.
 */
export interface Outcome {
  failure?: PhaseError | undefined
  /** A soft problem (partial packet loss, a domain close to expiry): degraded, with this reason. */
  degraded?: PhaseError | undefined
  http_status?: number | undefined
  /** What `latency_ms` means for this kind when it is not the check's duration (ping: average RTT). */
  latencyMs?: number | undefined
  /** Kind facts for `CheckResult.details`, bounded by the checker (the total is capped at 16 KiB). */
  details?: Record<string, unknown> | undefined
  /**
   * Condition inputs of this kind (`body`, `dnsRcode`, `values`…). `responseTimeMs`, `ip`,
   * `connected` and `certificateExpiresInMs` are filled from the trace unless set here.
   */
  facts?: ConditionContext | undefined
  /** Assertions judged by the checker itself (JSON Schema, expected DNS values). */
  extra?: ConditionOutcome[] | undefined
}

const DETAILS_MAX = 16_384

/**
 * Runs one check under its hard deadline (`timeout_seconds`, on `ctx.clock`): whatever happens,
 * a result comes back, and when the deadline wins every socket of the check is closed through the
 * trace's scope. `decorate` adds kind fields (redirect count, final URL) last.
 *
 * @example
 * run: (ctx) => runCheck(ctx, conditionsOf(ctx.monitor), async (trace) => ({ details: { … } }))
 */
export function runCheck<K extends ProbeKind>(
  ctx: CheckContext<K>,
  conditions: CompiledConditions,
  work: (trace: Trace) => Promise<Outcome>,
  decorate?: (result: CheckResult, trace: Trace) => void,
): Promise<CheckResult> {
  const started = now()
  const scope = new CheckScope()
  const trace: Trace = { phase: 'dns', timings: {}, redirects: 0, url: '', clock: ctx.clock, scope }
  const seconds = ctx.monitor.timeout_seconds
  // One promise settled by whichever comes first, the work or the deadline: no race of promises.
  return new Promise<CheckResult>((resolve, reject) => {
    let settled = false
    const finish = (outcome: Outcome) => {
      if (settled) return
      settled = true
      ctx.clock.clearTimeout(timer)
      // Closes whatever socket is still open: the check is over either way.
      scope.abort()
      try {
        const result = toResult(ctx, conditions, trace, outcome, now() - started)
        decorate?.(result, trace)
        resolve(result)
      } catch (e) {
        reject(e)
      }
    }
    const timer = ctx.clock.setTimeout(() => {
      const message = `no complete answer within ${seconds}s (stalled in ${trace.phase})`
      finish(trace.atDeadline?.() ?? { failure: new PhaseError('timeout', message) })
    }, seconds * 1000)
    let attempt: Promise<Outcome>
    try {
      attempt = work(trace)
    } catch (e) {
      attempt = Promise.reject(e)
    }
    attempt.then(finish, (e: unknown) =>
      finish({ failure: e instanceof PhaseError ? e : new PhaseError('request', errorMessage(e)) }),
    )
  })
}

function toResult<K extends ProbeKind>(
  ctx: CheckContext<K>,
  conditions: CompiledConditions,
  trace: Trace,
  outcome: Outcome,
  elapsed: number,
): CheckResult {
  const latency = round(outcome.latencyMs ?? elapsed)
  const wallNow = trace.cert ? ctx.clock.now() : 0
  const facts: ConditionContext = {
    responseTimeMs: latency,
    ip: trace.remoteAddress,
    connected: trace.remoteAddress !== undefined,
    certificateExpiresInMs: trace.cert ? trace.cert.shortestValidTo - wallNow : undefined,
    ...outcome.facts,
  }
  if (outcome.http_status !== undefined) facts.status = outcome.http_status
  const verdict = judgeConditions(conditions, facts, outcome.extra)
  const transport: CheckStatus = outcome.failure ? 'down' : outcome.degraded ? 'degraded' : 'up'
  const status = worse(transport, verdict.status)
  const result: CheckResult = { monitor_id: ctx.monitor.id, checked_at: ctx.checkedAt, status, latency_ms: latency }
  if (Object.keys(trace.timings).length > 0) result.timings = { ...trace.timings }
  const http = outcome.http_status
  if (http !== undefined && http >= 100 && http <= 599) result.http_status = http
  // Whatever set the final status explains it; on a tie the transport's own reason comes first.
  const assertion = verdict.message ? new PhaseError('assertion', verdict.message) : undefined
  const failure =
    outcome.failure ?? (RANK[verdict.status] > RANK[transport] ? assertion : (outcome.degraded ?? assertion))
  if (failure && status !== 'up') result.failure = { phase: failure.phase, message: failure.message.slice(0, 1000) }
  if (trace.tls) result.tls = trace.tls
  if (trace.remoteAddress) result.remote_address = trace.remoteAddress.slice(0, 64)
  if (verdict.outcomes.length > 0) result.conditions = verdict.outcomes
  const details = trace.cert
    ? { ...outcome.details, tls_chain: chainDetails(trace.cert, wallNow, trace.certReadAt) }
    : outcome.details
  if (details) result.details = bounded(details)
  return result
}

const RANK: Record<CheckStatus, number> = { up: 0, degraded: 1, down: 2 }
const worse = (a: CheckStatus, b: CheckStatus): CheckStatus => (RANK[b] > RANK[a] ? b : a)

/** Checkers bound their own facts; this is the backstop that keeps a result acceptable. */
function bounded(details: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(details).length <= DETAILS_MAX) return details
  const kept: Record<string, unknown> = { truncated: true }
  for (const [key, value] of Object.entries(details)) {
    if (JSON.stringify(value ?? null).length <= 1024) kept[key] = value
  }
  return kept
}
