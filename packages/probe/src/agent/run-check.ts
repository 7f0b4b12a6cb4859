import type { CheckResult, Clock, FailurePhase, ProbeMonitorConfig } from '@whatisup/shared'
import type { CheckContext, Checker, CheckerRegistry, NetworkPolicy, ProbeMonitor } from '../checkers/types.js'
import type { Logger } from '../log.js'

/**
 * How long after its own `timeout_seconds` a checker may still answer before the agent reports the
 * timeout itself (the runner's backstop sweeps once a second, so it fires 5 to 6 s late).
 */
export const BACKSTOP_GRACE_MS = 5000

/** Built once per agent (the policy is replaced when a heartbeat changes it), not once per check. */
export interface RunCheckDeps {
  readonly checkers: Partial<CheckerRegistry>
  policy: NetworkPolicy
  readonly clock: Clock
  readonly log: Logger
}

/** Runs one check; always resolves with a result. A checker that throws is our bug, still reported as data. */
export async function runCheck(d: RunCheckDeps, monitor: ProbeMonitorConfig, startedAt: number): Promise<CheckResult> {
  const checker = (d.checkers as Partial<Record<string, Checker>>)[monitor.check_type]
  if (!checker) {
    return failed(
      monitor,
      startedAt,
      'config',
      `check type "${monitor.check_type}" is not supported by this probe version`,
    )
  }
  const ctx: CheckContext = { monitor: monitor as ProbeMonitor, checkedAt: startedAt, policy: d.policy, clock: d.clock }
  try {
    return await checker.run(ctx)
  } catch (error) {
    d.log.error('checker threw instead of returning a result', { monitor_id: monitor.id, error })
    const message = `internal checker error: ${error instanceof Error ? error.message : String(error)}`
    return failed(monitor, startedAt, 'request', message.slice(0, 1000))
  }
}

/** What the agent reports for a check the backstop ended: the checker ignored its own timeout. */
export function overdueResult(monitor: ProbeMonitorConfig, startedAt: number, now: number): CheckResult {
  const message = `no result within ${monitor.timeout_seconds}s (the check did not stop at its timeout)`
  return failed(monitor, startedAt, 'timeout', message, now - startedAt)
}

function failed(
  monitor: ProbeMonitorConfig,
  checkedAt: number,
  phase: FailurePhase,
  message: string,
  latencyMs = 0,
): CheckResult {
  return {
    monitor_id: monitor.id,
    checked_at: checkedAt,
    status: 'down',
    latency_ms: Math.min(3_600_000, Math.max(0, latencyMs)),
    failure: { phase, message },
  }
}
