import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Deps } from '../../core/deps.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import { compositeRoutes, compositesSettled, startComposites, syncComposite } from '../composite/index.js'
import {
  type HeartbeatFields,
  heartbeatFields,
  heartbeatRoutes,
  heartbeatTimers,
  pingRoutes,
  startHeartbeats,
  syncHeartbeat,
} from '../heartbeats/index.js'
import { manualRoutes, syncManual } from '../manual/index.js'
import { monitoringStatusRoutes, startWatchdog, watchdogSettled } from '../watchdog/index.js'

/**
 * The monitors the server evaluates itself (heartbeat, composite, manual) and the watch on the
 * watcher, behind one registration, one start and one sync hook for the monitors module.
 */

/** Every route of these modules, under /api/v1. Ping URLs and /status/monitoring are public. */
export function serverMonitorRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(pingRoutes(deps))
    await app.register(monitoringStatusRoutes(deps))
    await app.register(heartbeatRoutes(deps))
    await app.register(compositeRoutes(deps))
    await app.register(manualRoutes(deps))
  }
}

const started = new WeakMap<Deps, Promise<void>>()

/** Heartbeat deadline timers, composite subscriptions and the outbound watchdog. Returns stop. */
export function startServerMonitors(deps: Deps): () => void {
  const stops = [startComposites(deps), startWatchdog(deps)]
  let stopped = false
  const ready = startHeartbeats(deps).then(
    (stop) => {
      if (stopped) stop()
      else stops.push(stop)
    },
    (err: unknown) => deps.log.error({ err }, 'heartbeat timers failed to start'),
  )
  started.set(deps, ready)
  return () => {
    stopped = true
    for (const stop of stops) stop()
  }
}

/** Resolves once the work started by timers and events so far has finished (for tests). */
export async function serverMonitorsIdle(deps: Deps): Promise<void> {
  await started.get(deps)
  // A heartbeat going down changes state, which re-evaluates composites, which may change state…
  for (let i = 0; i < 5; i++) {
    await heartbeatTimers(deps).idle()
    await compositesSettled(deps)
    await watchdogSettled(deps)
  }
}

/** Called by the monitors module after a create (`before` null) or an update of a monitor. */
export async function syncServerMonitor(deps: Deps, id: string, before: MonitorRow | null): Promise<void> {
  const m = (await deps.repos.monitors.findManyByIds([id]))[0]
  if (!m) return
  await syncHeartbeat(deps, m, before)
  await syncComposite(deps, m, before)
  await syncManual(deps, m, before)
}

/** Fields the server-side kinds add to the monitor output (heartbeat: ping URL, next expected ping). */
export async function serverMonitorFields(
  deps: Deps,
  rows: readonly MonitorRow[],
): Promise<Map<string, HeartbeatFields>> {
  return heartbeatFields(deps, rows)
}
