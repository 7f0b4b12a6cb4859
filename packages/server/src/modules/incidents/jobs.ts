import type { Deps } from '../../core/deps.js'
import { releaseSuppressed } from './lifecycle.js'
import { sweepProbeLiveness, sweepSuspectProbes } from './probe-health.js'

const PERIOD_MS = 15_000

/**
 * The engine's periodic work: probe liveness, suspect probes, and paging incidents whose
 * suppression ended. One timer on the injected clock; returns a stop function. (With several
 * replicas these run under a lease; in embedded mode there is one process.)
 */
export function startIncidentJobs(deps: Deps): () => void {
  let stopped = false
  let handle = deps.clock.setTimeout(tick, PERIOD_MS)
  async function run(): Promise<void> {
    await sweepProbeLiveness(deps)
    await sweepSuspectProbes(deps)
    await releaseSuppressed(deps)
  }
  function tick(): void {
    run()
      .catch((err: unknown) => deps.log.error({ err }, 'incident jobs failed'))
      .finally(() => {
        if (!stopped) handle = deps.clock.setTimeout(tick, PERIOD_MS)
      })
  }
  return () => {
    stopped = true
    deps.clock.clearTimeout(handle)
  }
}
