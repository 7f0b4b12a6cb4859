import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { type CheckResult, type Clock, type ProbeCommand, systemClock } from '@whatisup/shared'
import { createCheckers } from '../checkers/index.js'
import type { CheckerRegistry, NetworkPolicy } from '../checkers/types.js'
import type { ProbeConfig } from '../config.js'
import { type CollectorRegistry, DiagnosticsRunner } from '../diagnostics/index.js'
import { createLogger, type Logger } from '../log.js'
import { type AllowNetworksPolicy, coversMetadataEndpoint } from '../net/allow-networks.js'
import { createHttpProbeApi, type ProbeApi } from './api.js'
import { AssignmentLoop } from './assignment.js'
import { DiskBuffer } from './buffer.js'
import { CommandLoop } from './commands.js'
import { buildHealth, CpuSampler } from './health.js'
import { Histogram } from './histogram.js'
import { BACKSTOP_GRACE_MS, overdueResult, type RunCheckDeps, runCheck } from './run-check.js'
import { Scheduler } from './scheduler.js'
import { type AgentStats, collectStats } from './stats.js'
import { Uploader } from './uploader.js'

export type { AgentStats } from './stats.js'

export interface StartAgentOptions {
  config: ProbeConfig
  clock?: Clock
  logger?: Logger
  /** Defaults to HTTP calls to `config.centralApiUrl`; the embedded probe can pass an in-process API. */
  api?: ProbeApi
  checkers?: Partial<CheckerRegistry>
  /**
   * Fixed policy (the embedded probe passes `{allowPrivate: true}`). When absent it follows the
   * probe's `network_type` from each heartbeat: internal probes may reach private addresses.
   */
  networkPolicy?: NetworkPolicy
  /** How long stop() waits for running checks and the final upload before giving up on them. */
  stopGraceMs?: number
  /** Seconds the server may hold each command long-poll. */
  commandWaitSeconds?: number
  /** Diagnostic collectors (tests point them at local tools); default: the real ones. */
  collectors?: CollectorRegistry
}

export interface ProbeAgent {
  /** Stops heartbeats and scheduling, lets running checks finish, then delivers or persists every result. */
  stop(): Promise<void>
  /** Runs a monitor now, outside its phase; ignored for a monitor not assigned to this probe. */
  checkNow(monitorId: string): void
  stats(): AgentStats
}

/**
 * Runs due within the same 20 ms window start together at its end. Measured with 10 000 HTTP
 * monitors at 20 s (bench:probe, with the node:http client of the time): 0.58 ms CPU per check
 * with exact starts, 0.48 with 10 ms windows, 0.41 with 25 ms; the price is at most one window of
 * lag, far below what matters for checks 20 s or more apart.
 */
const SCHEDULE_BATCH_MS = 20

/** A check-now for a monitor the probe does not know yet waits this long for the assignment to catch up. */
const EARLY_CHECK_TTL_MS = 30_000

/**
 * Starts a probe: disk backlog replay, then heartbeat → schedule → check → upload, plus the
 * server's push channel (check now, assignment changed).
 *
 * @example
 * const agent = await startAgent({ config: loadProbeConfig(process.env) })
 * process.once('SIGTERM', () => void agent.stop())
 */
export async function startAgent(options: StartAgentOptions): Promise<ProbeAgent> {
  const { config } = options
  const clock = options.clock ?? systemClock
  const log = options.logger ?? createLogger({ level: config.logLevel })
  const api = options.api ?? createHttpProbeApi({ baseUrl: config.centralApiUrl, apiKey: config.probeApiKey })
  const checkers = options.checkers ?? createCheckers()
  const bootId = randomBytes(6).toString('hex')
  // `allowNetworks` rides along on the policy the checkers receive (see net/allow-networks.ts).
  const allowNetworks: AllowNetworksPolicy = config.allowNetworks.length ? { allowNetworks: config.allowNetworks } : {}
  const policyFor = (allowPrivate: boolean): NetworkPolicy => ({ allowPrivate, ...allowNetworks })
  if (config.allowNetworks.length) {
    log.info('private networks allowed for this probe', { allow_networks: config.allowNetworks })
    if (coversMetadataEndpoint(config.allowNetworks))
      log.warn('PROBE_ALLOW_NETWORKS includes 169.254.169.254, the cloud metadata endpoint')
  }

  const buffer = await DiskBuffer.open(join(config.dataDir, 'buffer'), { maxBytes: config.bufferMaxBytes, log })
  const uploader = new Uploader({ api, buffer, clock, flushMs: config.resultFlushMs, bootId, log })
  const checking: RunCheckDeps = { checkers, policy: options.networkPolicy ?? policyFor(false), clock, log }
  const lag = new Histogram()
  const statuses = { up: 0, degraded: 0, down: 0 }
  const deliver = (result: CheckResult, urgent: boolean) => {
    statuses[result.status]++
    // Unassigned while it ran: the server no longer expects results for it from this probe.
    if (scheduler.isAssigned(result.monitor_id)) uploader.add(result, urgent)
  }
  const scheduler: Scheduler = new Scheduler({
    clock,
    maxConcurrent: config.maxConcurrentChecks,
    laneLimits: { browser: config.maxConcurrentScenarios },
    batchMs: SCHEDULE_BATCH_MS,
    log,
    onLag: (ms) => lag.add(ms),
    execute: async (monitor, run) => {
      const result = await runCheck(checking, monitor, run.startedAt)
      // Reported as a timeout by the backstop long ago: this late result would contradict it.
      if (!run.abandoned) deliver(result, run.urgent)
    },
    backstop: {
      graceMs: BACKSTOP_GRACE_MS,
      onOverdue: (monitor, run) => {
        log.error('checker ignored its timeout: the agent reported it', {
          monitor_id: monitor.id,
          check_type: monitor.check_type,
          timeout_seconds: monitor.timeout_seconds,
        })
        deliver(overdueResult(monitor, run.startedAt, clock.now()), run.urgent)
      },
    },
  })

  // Check-now for a monitor not assigned yet (created a moment ago): run once the assignment has it.
  const early = new Map<string, number>()
  const checkNow = (id: string, requestId?: string) => {
    const outcome = scheduler.checkNow(id)
    if (outcome !== 'unknown') return log.debug('check now', { monitor_id: id, request_id: requestId, outcome })
    if (requestId === undefined)
      return log.warn('check now ignored: monitor not assigned to this probe', { monitor_id: id })
    early.set(id, clock.now() + EARLY_CHECK_TTL_MS)
    assignment.pullNow()
  }
  const runEarlyChecks = () => {
    const now = clock.now()
    for (const [id, until] of early) {
      if (scheduler.isAssigned(id)) scheduler.checkNow(id)
      else if (until > now) continue
      else log.warn('check now ignored: monitor not assigned to this probe', { monitor_id: id })
      early.delete(id)
    }
  }

  // Diagnostics follow the same network policy as the checks: an external probe stays out of private networks.
  const diagnostics = new DiagnosticsRunner({
    api,
    clock,
    log,
    policy: () => checking.policy,
    ...(options.collectors ? { collectors: options.collectors } : {}),
  })

  const cpu = new CpuSampler()
  const assignment: AssignmentLoop = new AssignmentLoop({
    api,
    clock,
    log,
    intervalMs: config.heartbeatIntervalMs,
    health: () => buildHealth(cpu, scheduler.stats(), uploader.stats()),
    onAnswer: (answer) => {
      checking.policy = options.networkPolicy ?? policyFor(answer.probe.network_type === 'internal')
      uploader.resume()
      if (answer.monitors !== null) scheduler.reconcile(answer.monitors)
      if (early.size > 0) runEarlyChecks()
    },
  })
  const commands = new CommandLoop({
    api,
    clock,
    log,
    ...(options.commandWaitSeconds === undefined ? {} : { waitSeconds: options.commandWaitSeconds }),
    maxBackoffMs: config.heartbeatIntervalMs,
    onCommand: (command: ProbeCommand) => {
      switch (command.type) {
        case 'check_now':
          return checkNow(command.monitor_id, command.request_id)
        case 'config_changed':
          return assignment.pullNow()
        case 'diagnose':
          return diagnostics.handle(command)
      }
    },
  })
  uploader.start()
  assignment.start()
  commands.start()
  log.info('probe agent started', { boot_id: bootId, central_api_url: config.centralApiUrl, data_dir: config.dataDir })

  let stopping: Promise<void> | undefined
  const graceMs = options.stopGraceMs ?? 10_000
  const stop = async () => {
    await Promise.all([assignment.stop(), commands.stop()])
    // Checks still running after the grace period are abandoned: their results would come too late.
    await within(clock, graceMs, scheduler.stop(), () => log.warn('stopping without waiting for running checks'))
    await within(clock, graceMs, diagnostics.idle(), () => log.warn('stopping without waiting for running diagnostics'))
    // A hung upload is aborted; the uploader then writes what it holds to disk for the next start.
    const uploaded = uploader.stop()
    await within(clock, graceMs, uploaded, () => api.close())
    await uploaded
    api.close()
    log.info('probe agent stopped', { pending_results: uploader.stats().pendingResults })
  }

  return {
    stop: () => {
      stopping ??= stop()
      return stopping
    },
    checkNow: (id) => checkNow(id),
    stats: () =>
      collectStats({
        at: clock.now(),
        bootId,
        scheduler: scheduler.stats(),
        uploader: uploader.stats(),
        assignment: assignment.status(),
        lag,
        statuses,
      }),
  }
}

/** Waits for `work` at most `ms`, calling `onTimeout` when that runs out. */
async function within(clock: Clock, ms: number, work: Promise<void>, onTimeout: () => void): Promise<void> {
  let timedOut!: () => void
  const timer = clock.setTimeout(() => timedOut(), ms)
  const deadline = new Promise<void>((resolve) => {
    timedOut = () => {
      onTimeout()
      resolve()
    }
  })
  await Promise.race([work, deadline])
  clock.clearTimeout(timer)
}
