import type { ProbeKind } from '@whatisup/shared'
import { createHttpChecker, type HttpCheckerOptions } from './http.js'
import type { Checker, CheckerRegistry } from './types.js'

export type { CheckContext, Checker, CheckerRegistry, NetworkPolicy, ProbeMonitor } from './types.js'

export type CheckerOptions = HttpCheckerOptions

/**
 * One checker per kind. Typed as a full `Record` over `CheckKind`: adding a kind in `shared` fails
 * this build until the probe can run it.
 */
export function createCheckers(options: CheckerOptions = {}): CheckerRegistry {
  return {
    http: createHttpChecker(options),
    tcp: notYet('tcp'),
    udp: notYet('udp'),
    dns: notYet('dns'),
    smtp: notYet('smtp'),
    ping: notYet('ping'),
    domain_expiry: notYet('domain_expiry'),
    websocket: notYet('websocket'),
    postgres: notYet('postgres'),
    mysql: notYet('mysql'),
    redis: notYet('redis'),
    mqtt: notYet('mqtt'),
  }
}

/** Placeholder while a kind's checker is being written: reports an honest config failure. */
function notYet<K extends ProbeKind>(kind: K): Checker<K> {
  return {
    run: async ({ monitor, checkedAt }) => ({
      monitor_id: monitor.id,
      checked_at: checkedAt,
      status: 'down',
      latency_ms: 0,
      failure: { phase: 'config', message: `check type "${kind}" is not supported by this probe version yet` },
    }),
  }
}
