export { CHECK_KINDS, type CheckKind } from './kinds/index.js'

/** Which probes may run a monitor: `internal` probes sit inside a private network. */
export const NETWORK_SCOPES = ['all', 'internal', 'external'] as const
export type NetworkScope = (typeof NETWORK_SCOPES)[number]

export const NETWORK_TYPES = ['internal', 'external'] as const
export type NetworkType = (typeof NETWORK_TYPES)[number]

/** A single check's outcome. `degraded` = reachable but outside a soft threshold. */
export const CHECK_STATUSES = ['up', 'degraded', 'down'] as const
export type CheckStatus = (typeof CHECK_STATUSES)[number]

/** A monitor's derived state; `unknown` until its first result, `paused` while disabled. */
export type MonitorStatus = CheckStatus | 'unknown' | 'paused'

/** Where in a check a failure happened, so alerts can say "TLS failed" instead of "error". */
export const FAILURE_PHASES = [
  'config',
  'ssrf',
  'dns',
  'connect',
  'tls',
  'request',
  'response',
  'assertion',
  'timeout',
] as const
export type FailurePhase = (typeof FAILURE_PHASES)[number]
