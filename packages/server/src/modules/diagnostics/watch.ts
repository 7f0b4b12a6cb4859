import type { TimerHandle } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { deliverDue, expireDiagnostics, requestDiagnostics } from './diagnostics.service.js'

const EXPIRY_SWEEP_MS = 60_000

/**
 * Domain events → diagnostic requests: an opened incident asks its affected probes, a scope change
 * asks the probes it added, and a probe's heartbeat brings it the requests it has not run yet.
 * Overdue requests are swept to `expired` once a minute. Returns the stop function.
 */
export function watchForDiagnostics(deps: Deps): () => void {
  const offs = [
    deps.events.on('IncidentOpened', async (e) => {
      await requestDiagnostics(deps, { incidentId: e.incidentId, monitorId: e.monitorId, probeIds: e.affectedProbeIds })
    }),
    deps.events.on('IncidentUpdated', async (e) => {
      await requestDiagnostics(deps, { incidentId: e.incidentId, monitorId: e.monitorId, probeIds: e.affectedProbeIds })
    }),
    deps.events.on('ProbeSeen', async ({ probeId }) => {
      await deliverDue(deps, probeId)
    }),
  ]
  let stopped = false
  let timer: TimerHandle = deps.clock.setTimeout(sweep, EXPIRY_SWEEP_MS)
  function sweep(): void {
    expireDiagnostics(deps)
      .catch((err: unknown) => deps.log.error({ err }, 'diagnostic expiry sweep failed'))
      .finally(() => {
        if (!stopped) timer = deps.clock.setTimeout(sweep, EXPIRY_SWEEP_MS)
      })
  }
  return () => {
    stopped = true
    deps.clock.clearTimeout(timer)
    for (const off of offs) off()
  }
}
