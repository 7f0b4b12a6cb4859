import type { ProbeHealth } from '@whatisup/shared'
import type { SchedulerStats } from './scheduler.js'
import type { UploaderStats } from './uploader.js'

/**
 * CPU as a share of ONE core since the previous sample: the agent is one event loop, so 100 % is
 * its ceiling whatever the machine's core count.
 */
export class CpuSampler {
  private last = { usage: process.cpuUsage(), at: performance.now() }

  percent(): number {
    const usage = process.cpuUsage()
    const at = performance.now()
    const cpuMs = (usage.user - this.last.usage.user + usage.system - this.last.usage.system) / 1000
    const wallMs = at - this.last.at
    this.last = { usage, at }
    if (wallMs <= 0) return 0
    return Math.round(Math.min(100, Math.max(0, (cpuMs / wallMs) * 100)) * 10) / 10
  }
}

export function buildHealth(cpu: CpuSampler, scheduler: SchedulerStats, uploader: UploaderStats): ProbeHealth {
  const health: ProbeHealth = {
    cpu_percent: cpu.percent(),
    rss_bytes: process.memoryUsage.rss(),
    monitors_active: scheduler.monitors,
    checks_running: scheduler.running,
    checks_per_second: scheduler.checksPerSecond,
    queue_depth: scheduler.queued,
    buffered_results: uploader.pendingResults,
  }
  if (scheduler.lagP50Ms !== undefined) health.lag_p50_ms = Math.max(0, scheduler.lagP50Ms)
  if (scheduler.lagP99Ms !== undefined) health.lag_p99_ms = Math.max(0, scheduler.lagP99Ms)
  return health
}
