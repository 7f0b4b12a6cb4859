import type { CheckResult, Clock, KindSettings, ProbeKind, ProbeMonitorConfig } from '@whatisup/shared'

/**
 * Which targets a probe may reach. External probes must not be turned into a proxy into the
 * network they run in (cloud metadata, the admin's LAN), so they refuse private addresses; an
 * internal probe (and the server's embedded probe) exists precisely to check those.
 */
export interface NetworkPolicy {
  readonly allowPrivate: boolean
  /** The self-hoster's exceptions (`PROBE_ALLOW_NETWORKS`): private networks reachable anyway. */
  readonly allowNetworks?: readonly string[]
}

/** An assigned monitor with its kind's settings (validated by the server when saved). */
export type ProbeMonitor<K extends ProbeKind = ProbeKind> = K extends ProbeKind
  ? ProbeMonitorConfig & KindSettings<K>
  : never

export interface CheckContext<K extends ProbeKind = ProbeKind> {
  readonly monitor: ProbeMonitor<K>
  /** Epoch ms when the check started: becomes `checked_at`, kept through buffering and replay. */
  readonly checkedAt: number
  readonly policy: NetworkPolicy
  /** Owns the check's hard deadline, so a fake clock can drive it in tests. */
  readonly clock: Clock
}

/**
 * One check kind's implementation: the extension point for new kinds (`tcp`, `dns`, …). A failing
 * target is data, never an exception: resolve with `status: 'down'` and a `failure` naming the
 * phase. The agent still guards against a throwing checker, but that is reported as a bug.
 *
 * Kinds are built from three parts: `conditionCompiler(kind, simpleFields)` (conditions parsed once
 * per monitor), `runCheck(ctx, conditions, work)` (hard deadline, result shape, condition verdict)
 * and `openConnection`/`resolveAllowed` (the network policy applied to the address dialled):
 *
 * @example
 * const conditionsOf = conditionCompiler('tcp')
 * const tcp: Checker<'tcp'> = {
 *   run: (ctx) => runCheck(ctx, conditionsOf(ctx.monitor), async (trace) => {
 *     await openConnection({ host: ctx.monitor.host, port: ctx.monitor.port, secure: false }, { policy: ctx.policy, secureContext }, trace)
 *     return {}
 *   }),
 * }
 *
 * @example
 * const alwaysUp: Checker = {
 *   run: async ({ monitor, checkedAt }) => ({ monitor_id: monitor.id, checked_at: checkedAt, status: 'up', latency_ms: 0 }),
 * }
 */
export interface Checker<K extends ProbeKind = ProbeKind> {
  run(ctx: CheckContext<K>): Promise<CheckResult>
}

/** The registry: one checker per probe kind. */
export type CheckerRegistry = { [K in ProbeKind]: Checker<K> }
