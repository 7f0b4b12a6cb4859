import type { TimerHandle } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { monitoringStatus } from './monitoring-health.js'

const inflight = new WeakMap<Deps, Promise<void>>()

/**
 * One beat of the outbound dead-man's switch: GET WATCHDOG_URL, only while WhatIsUp and its probes
 * are healthy, so the external service notices when it stops. The URL comes from the server's own
 * configuration, which the admin controls: it is trusted and not subject to the SSRF rules that
 * apply to user-supplied targets (it may well be an internal address).
 */
export async function watchdogBeat(deps: Deps): Promise<'sent' | 'skipped' | 'failed'> {
  const url = deps.config.WATCHDOG_URL
  if (!url) return 'skipped'
  const status = await monitoringStatus(deps)
  if (status.status !== 'ok') {
    deps.log.warn({ reasons: status.reasons }, 'watchdog: monitoring degraded, not pinging')
    return 'skipped'
  }
  try {
    const res = await fetch(url, {
      method: 'GET',
      headers: { 'user-agent': `WhatIsUp/${deps.version} watchdog` },
      signal: AbortSignal.timeout(10_000),
      redirect: 'follow',
    })
    await res.body?.cancel()
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    return 'sent'
  } catch (err) {
    deps.log.warn({ err }, 'watchdog ping failed')
    return 'failed'
  }
}

/** Pings every WATCHDOG_INTERVAL_SECONDS on the injected clock; no-op without WATCHDOG_URL. */
export function startWatchdog(deps: Deps): () => void {
  if (!deps.config.WATCHDOG_URL) return () => {}
  const period = deps.config.WATCHDOG_INTERVAL_SECONDS * 1000
  let stopped = false
  let handle: TimerHandle = deps.clock.setTimeout(tick, 0)
  function tick(): void {
    const work = watchdogBeat(deps)
      .then(() => undefined)
      .catch((err: unknown) => deps.log.error({ err }, 'watchdog failed'))
      .finally(() => {
        if (!stopped) handle = deps.clock.setTimeout(tick, period)
      })
    inflight.set(deps, work)
  }
  return () => {
    stopped = true
    deps.clock.clearTimeout(handle)
  }
}

/** The beat in progress, if any (tests advance a FakeClock, then await this). */
export async function watchdogSettled(deps: Deps): Promise<void> {
  await inflight.get(deps)
}
