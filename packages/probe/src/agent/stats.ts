import type { Histogram } from './histogram.js'
import type { SchedulerStats } from './scheduler.js'
import type { UploaderStats } from './uploader.js'

export interface AgentStats {
  bootId: string
  /** When these figures were taken (probe clock, epoch ms). */
  at: number
  configVersion?: string
  lastHeartbeatAt?: number
  heartbeatFailures: number
  monitors: number
  checksRunning: number
  queueDepth: number
  checksStarted: number
  checksCompleted: number
  checksSkipped: number
  /** Scheduled ticks handled (run or skipped) and the due time of the latest, see SchedulerStats. */
  ticks: number
  lastDueAt?: number
  checksPerSecond: number
  /** Scheduling lag over the last minute (the heartbeat's figures). */
  lagP50Ms?: number
  lagP99Ms?: number
  /** Every scheduled run's lag since start, as cumulative histogram counts (see `histogram.ts`). */
  lagHistogram: number[]
  /** Results produced since start, by status. */
  results: { up: number; degraded: number; down: number }
  /** Checks the agent had to end itself because the checker ignored its timeout. */
  checksBackstopped: number
  /** Results not yet acknowledged by the server (memory + disk), and the disk part alone. */
  pendingResults: number
  bufferedResults: number
  uploadMode: 'online' | 'retrying' | 'unauthorized'
  /** Process memory (MB) when the figures were taken. */
  memory: { rssMb: number; heapUsedMb: number; externalMb: number }
}

export interface StatsSources {
  at: number
  bootId: string
  scheduler: SchedulerStats
  uploader: UploaderStats
  assignment: { configVersion?: string; lastHeartbeatAt?: number; failures: number }
  lag: Histogram
  statuses: { up: number; degraded: number; down: number }
}

export function collectStats(s: StatsSources): AgentStats {
  const { scheduler: r, uploader: u, assignment: a } = s
  return {
    bootId: s.bootId,
    at: s.at,
    ...(a.configVersion === undefined ? {} : { configVersion: a.configVersion }),
    ...(a.lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt: a.lastHeartbeatAt }),
    heartbeatFailures: a.failures,
    monitors: r.monitors,
    checksRunning: r.running,
    queueDepth: r.queued,
    checksStarted: r.started,
    checksCompleted: r.completed,
    checksSkipped: r.skipped,
    ticks: r.ticks,
    ...(r.lastDueAt === undefined ? {} : { lastDueAt: r.lastDueAt }),
    checksPerSecond: r.checksPerSecond,
    ...(r.lagP50Ms === undefined ? {} : { lagP50Ms: r.lagP50Ms }),
    ...(r.lagP99Ms === undefined ? {} : { lagP99Ms: r.lagP99Ms }),
    lagHistogram: s.lag.snapshot(),
    results: { ...s.statuses },
    checksBackstopped: r.overdue,
    pendingResults: u.pendingResults,
    bufferedResults: u.bufferedResults,
    uploadMode: u.mode,
    memory: memory(),
  }
}

function memory(): AgentStats['memory'] {
  const m = process.memoryUsage()
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external) }
}
