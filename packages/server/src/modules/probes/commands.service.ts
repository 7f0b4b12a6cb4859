import { PROBE_KINDS, type ProbeCommand, type TriggerCheckResponse } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { ProbeRow } from '../../storage/repositories/index.js'
import { authorize } from '../policy/policy.js'
import { commandHub } from './command-hub.js'
import { isAssigned } from './probes.service.js'

/** Per user: a button someone can click, not a way to run checks faster than their interval. */
export const TRIGGER_CHECK_LIMIT_PER_MINUTE = 10

export interface CheckRequest {
  requestId: string
  /** The probes that were asked: active, assigned this monitor, and seen recently. */
  probeIds: string[]
}

/**
 * Asks probes to run a monitor now. For the incident engine: `probeIds` narrows the request (e.g.
 * every probe but the one that saw the failure, to confirm it). Probes that are offline, not
 * assigned the monitor, or deactivated are left out: their results would never come or be refused.
 *
 * @example
 * const { probeIds } = await requestChecks(deps, monitorId, others)
 */
export async function requestChecks(
  deps: Deps,
  monitorId: string,
  probeIds?: readonly string[],
): Promise<CheckRequest> {
  const requestId = newId(deps.clock.now())
  const [monitor] = await deps.repos.monitors.findManyByIds([monitorId])
  if (monitor?.enabled !== 1 || !(PROBE_KINDS as readonly string[]).includes(monitor.check_type)) {
    return { requestId, probeIds: [] }
  }
  const wanted = probeIds && new Set(probeIds)
  const online = onlineSince(deps)
  const probes = (await deps.repos.probes.list()).filter(
    (p) => p.is_active === 1 && isAssigned(p, monitor) && (!wanted || wanted.has(p.id)) && online(p),
  )
  const hub = commandHub(deps)
  const command: ProbeCommand = { type: 'check_now', monitor_id: monitorId, request_id: requestId }
  for (const p of probes) hub.push(p.id, command)
  deps.log.debug({ monitorId, requestId, probes: probes.length }, 'check requested')
  return { requestId, probeIds: probes.map((p) => p.id) }
}

/** A probe that missed three heartbeats is not going to answer within a second. */
function onlineSince(deps: Deps): (p: ProbeRow) => boolean {
  const since = deps.clock.now() - 3 * deps.config.PROBE_HEARTBEAT_SECONDS * 1000
  return (p) => p.last_seen_at !== null && p.last_seen_at >= since
}

/** `POST /monitors/{id}/trigger-check`: any user who can see the monitor, rate-limited per user. */
export async function triggerCheck(deps: Deps, ctx: RequestContext, id: string): Promise<TriggerCheckResponse> {
  const wait = await deps.limiter.hit(`trigger-check:${ctx.userId}`, TRIGGER_CHECK_LIMIT_PER_MINUTE, 60_000)
  if (wait > 0)
    throw new AppError('RATE_LIMITED', 'too many check requests; try again later', { retryAfterSeconds: wait })
  // Not visible and not existing look the same: no existence leak across tenants.
  const monitor = await deps.repos.monitors.findVisible(ctx, id)
  if (!monitor) throw notFound('monitor')
  authorize(ctx, 'monitor:read', monitor)
  if (monitor.enabled !== 1) throw new AppError('CONFLICT', 'the monitor is paused; resume it to check it')
  const { probeIds } = await requestChecks(deps, id)
  return { status: 'queued', probes: probeIds.length }
}

/** The probe's long-poll: its pending commands, or the first ones within `waitSeconds`. */
export function waitForCommands(
  deps: Deps,
  probe: ProbeRow,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<ProbeCommand[]> {
  return commandHub(deps).take(probe.id, waitSeconds * 1000, signal)
}

/**
 * Turns domain events into probe commands: any monitor change makes connected probes re-pull
 * their assignment at once (an unchanged one costs them a `monitors: null` answer); a
 * `CheckRequested` asks every probe of the monitor to check it, a `ConfirmationRequested` (the
 * incident engine) the probes it names. Returns the unsubscriber.
 */
export function watchForProbeCommands(deps: Deps): () => void {
  const changed = () => commandHub(deps).broadcast({ type: 'config_changed' })
  const offs = [
    deps.events.on('MonitorCreated', changed),
    deps.events.on('MonitorUpdated', changed),
    deps.events.on('MonitorDeleted', changed),
    deps.events.on('CheckRequested', async ({ monitorId }) => {
      await requestChecks(deps, monitorId)
    }),
    deps.events.on('ConfirmationRequested', async ({ monitorId, probeIds }) => {
      await requestChecks(deps, monitorId, probeIds)
    }),
  ]
  return () => {
    for (const off of offs) off()
  }
}
