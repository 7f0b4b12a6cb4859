import type { CheckResult } from '@whatisup/shared'
import { FakeClock } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { captureLogger, T0 } from '../../test/helpers/results.js'
import type { Checker, CheckerRegistry } from '../checkers/types.js'
import { overdueResult, type RunCheckDeps, runCheck } from './run-check.js'

function deps(http: Checker): RunCheckDeps {
  return {
    checkers: { http } satisfies Partial<CheckerRegistry>,
    policy: { allowPrivate: false },
    clock: new FakeClock(T0),
    log: captureLogger().log,
  }
}

describe('runCheck', () => {
  it("passes the checker's result through, with the policy and start time it was given", async () => {
    const seen: unknown[] = []
    const ok: CheckResult = { monitor_id: 'm1', checked_at: T0, status: 'up', latency_ms: 3 }
    const d = deps({
      run: async (ctx) => {
        seen.push(ctx.policy, ctx.checkedAt)
        return ok
      },
    })
    d.policy = { allowPrivate: false, allowNetworks: ['10.0.0.0/8'] }
    expect(await runCheck(d, monitor(), T0)).toBe(ok)
    expect(seen).toEqual([{ allowPrivate: false, allowNetworks: ['10.0.0.0/8'] }, T0])
  })

  it('turns a throwing checker and an unknown kind into results', async () => {
    const d = deps({
      run: () => {
        throw new Error('boom')
      },
    })
    expect(await runCheck(d, monitor(), T0)).toMatchObject({
      status: 'down',
      failure: { phase: 'request', message: 'internal checker error: boom' },
    })
    expect(await runCheck(d, { ...monitor(), check_type: 'scenario' }, T0)).toMatchObject({
      status: 'down',
      failure: { phase: 'config' },
    })
  })

  it("words the backstop's timeout result", () => {
    expect(overdueResult(monitor({ id: 'hung', timeout_seconds: 3 }), T0, T0 + 8200)).toEqual({
      monitor_id: 'hung',
      checked_at: T0,
      status: 'down',
      latency_ms: 8200,
      failure: { phase: 'timeout', message: 'no result within 3s (the check did not stop at its timeout)' },
    })
  })
})
