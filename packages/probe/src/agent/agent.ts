import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { type CheckResult, type Clock, type ProbeMonitorConfig, systemClock } from '@whatisup/shared'
import { createCheckers } from '../checkers/index.js'
import type { Checker, CheckerRegistry, NetworkPolicy, ProbeMonitor } from '../checkers/types.js'
import type { ProbeConfig } from '../config.js'
import { createLogger, type Logger } from '../log.js'
import { createHttpProbeApi, type ProbeApi } from './api.js'
import { AssignmentLoop } from './assignment.js'
import { DiskBuffer } from './buffer.js'
import { buildHealth, CpuSampler } from './health.js'
import { type RunInfo, Scheduler } from './scheduler.js'
import { Uploader } from './uploader.js'

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
}

export interface AgentStats {
  bootId: string
  configVersion?: string
  lastHeartbeatAt?: number
  heartbeatFailures: number
  monitors: number
  checksRunning: number
  queueDepth: number
  checksStarted: number
  checksCompleted: number
  checksSkipped: number
  checksPerSecond: number
  lagP50Ms?: number
  lagP99Ms?: number
  /** Results not yet acknowledged by the server (memory + disk), and the disk part alone. */
  pendingResults: number
  bufferedResults: number
  uploadMode: 'online' | 'retrying' | 'unauthorized'
}

export interface ProbeAgent {
  /** Stops heartbeats and scheduling, lets running checks finish, then delivers or persists every result. */
  stop(): Promise<void>
  /** Runs a monitor now, outside its phase; ignored for a monitor not assigned to this probe. */
  checkNow(monitorId: string): void
  stats(): AgentStats
}

/**
 * Starts a probe: disk backlog replay, then heartbeat → schedule → check → upload.
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
  let policy: NetworkPolicy = options.networkPolicy ?? { allowPrivate: false }

  const buffer = await DiskBuffer.open(join(config.dataDir, 'buffer'), { maxBytes: config.bufferMaxBytes, log })
  const uploader = new Uploader({ api, buffer, clock, flushMs: config.resultFlushMs, bootId, log })
  const scheduler: Scheduler = new Scheduler({
    clock,
    maxConcurrent: config.maxConcurrentChecks,
    log,
    execute: async (monitor, run) => {
      const result = await runCheck(checkers, monitor, run, policy, clock, log)
      // Unassigned while it ran: the server no longer expects results for it from this probe.
      if (scheduler.isAssigned(monitor.id)) uploader.add(result)
    },
  })
  const cpu = new CpuSampler()
  const assignment = new AssignmentLoop({
    api,
    clock,
    log,
    intervalMs: config.heartbeatIntervalMs,
    health: () => buildHealth(cpu, scheduler.stats(), uploader.stats()),
    onAnswer: (answer) => {
      policy = options.networkPolicy ?? { allowPrivate: answer.probe.network_type === 'internal' }
      uploader.resume()
      if (answer.monitors !== null) scheduler.reconcile(answer.monitors)
    },
  })
  uploader.start()
  assignment.start()
  log.info('probe agent started', { boot_id: bootId, central_api_url: config.centralApiUrl, data_dir: config.dataDir })

  let stopping: Promise<void> | undefined
  const graceMs = options.stopGraceMs ?? 10_000
  const stop = async () => {
    await assignment.stop()
    // Checks still running after the grace period are abandoned: their results would come too late.
    await within(clock, graceMs, scheduler.stop(), () => log.warn('stopping without waiting for running checks'))
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
    checkNow: (id) => {
      if (!scheduler.checkNow(id)) log.warn('check now ignored: monitor not assigned to this probe', { monitor_id: id })
    },
    stats: () => {
      const s = scheduler.stats()
      const u = uploader.stats()
      const a = assignment.status()
      return {
        bootId,
        ...(a.configVersion === undefined ? {} : { configVersion: a.configVersion }),
        ...(a.lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt: a.lastHeartbeatAt }),
        heartbeatFailures: a.failures,
        monitors: s.monitors,
        checksRunning: s.running,
        queueDepth: s.queued,
        checksStarted: s.started,
        checksCompleted: s.completed,
        checksSkipped: s.skipped,
        checksPerSecond: s.checksPerSecond,
        ...(s.lagP50Ms === undefined ? {} : { lagP50Ms: s.lagP50Ms }),
        ...(s.lagP99Ms === undefined ? {} : { lagP99Ms: s.lagP99Ms }),
        pendingResults: u.pendingResults,
        bufferedResults: u.bufferedResults,
        uploadMode: u.mode,
      }
    },
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

/** A checker that throws is our bug, not the target's: still reported as data, and logged. */
async function runCheck(
  checkers: Partial<CheckerRegistry>,
  monitor: ProbeMonitorConfig,
  run: RunInfo,
  policy: NetworkPolicy,
  clock: Clock,
  log: Logger,
): Promise<CheckResult> {
  const checker = (checkers as Partial<Record<string, Checker>>)[monitor.check_type]
  if (!checker) {
    const message = `check type "${monitor.check_type}" is not supported by this probe version`
    return {
      monitor_id: monitor.id,
      checked_at: run.startedAt,
      status: 'down',
      latency_ms: 0,
      failure: { phase: 'config', message },
    }
  }
  try {
    return await (checker as Checker).run({ monitor: monitor as ProbeMonitor, checkedAt: run.startedAt, policy, clock })
  } catch (error) {
    log.error('checker threw instead of returning a result', { monitor_id: monitor.id, error })
    const message = `internal checker error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000)
    return {
      monitor_id: monitor.id,
      checked_at: run.startedAt,
      status: 'down',
      latency_ms: 0,
      failure: { phase: 'request', message },
    }
  }
}
