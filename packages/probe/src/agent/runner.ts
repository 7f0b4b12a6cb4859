import type { Clock, ProbeMonitorConfig } from '@whatisup/shared'
import type { Logger } from '../log.js'
import { Fifo } from './heap.js'
import { RateWindow, SampleWindow } from './windows.js'

export interface RunInfo {
  /** When the run was due on the monitor's grid (or was requested, for check-now). */
  dueAt: number
  startedAt: number
  manual: boolean
}

export type Execute = (monitor: ProbeMonitorConfig, run: RunInfo) => Promise<void>

export interface Job {
  due: number
  manual: boolean
  /** The config to run at start time, or undefined when the monitor went away while queued. */
  current: () => ProbeMonitorConfig | undefined
  /** Called exactly once: after the run, or when the job is dropped. */
  settle: () => void
}

export interface RunnerStats {
  running: number
  queued: number
  started: number
  completed: number
  checksPerSecond: number
  lagP50Ms?: number
  lagP99Ms?: number
}

/** The global concurrency limit: at most `maxConcurrent` runs, the rest wait in FIFO order. */
export class Runner {
  private readonly queue = new Fifo<Job>()
  private readonly inflight = new Set<Promise<void>>()
  private readonly lag = new SampleWindow()
  private readonly rate: RateWindow
  private running = 0
  private started = 0
  private completed = 0
  private stopped = false

  constructor(
    private readonly clock: Clock,
    private readonly maxConcurrent: number,
    private readonly execute: Execute,
    private readonly log: Logger,
  ) {
    this.rate = new RateWindow(clock.now())
  }

  /** `front` is for runs a person is waiting on (check now): they jump the queue. */
  submit(job: Job, front: boolean): void {
    if (front) this.queue.unshift(job)
    else this.queue.push(job)
    this.pump()
  }

  stats(): RunnerStats {
    const now = this.clock.now()
    const [p50, p99] = this.lag.percentiles(now, [0.5, 0.99])
    const { running, started, completed } = this
    const stats: RunnerStats = {
      running,
      queued: this.queue.size,
      started,
      completed,
      checksPerSecond: this.rate.perSecond(now),
    }
    if (p50 !== undefined) stats.lagP50Ms = p50
    if (p99 !== undefined) stats.lagP99Ms = p99
    return stats
  }

  /** Drops queued jobs and waits for running ones. */
  async stop(): Promise<void> {
    this.stopped = true
    for (let job = this.queue.shift(); job; job = this.queue.shift()) job.settle()
    await Promise.allSettled([...this.inflight])
  }

  private pump(): void {
    while (!this.stopped && this.running < this.maxConcurrent) {
      const job = this.queue.shift()
      if (!job) return
      const monitor = job.current()
      if (monitor) this.start(job, monitor)
      else job.settle()
    }
  }

  private start(job: Job, monitor: ProbeMonitorConfig): void {
    const startedAt = this.clock.now()
    this.running++
    this.started++
    // Lag = how late the run starts against its grid time: the probe's own health signal.
    if (!job.manual) this.lag.add(startedAt - job.due, startedAt)
    const run = (async () => this.execute(monitor, { dueAt: job.due, startedAt, manual: job.manual }))()
      .catch((error: unknown) => this.log.error('check run failed', { monitor_id: monitor.id, error }))
      .finally(() => {
        this.running--
        this.completed++
        this.rate.add(this.clock.now())
        this.inflight.delete(run)
        job.settle()
        this.pump()
      })
    this.inflight.add(run)
  }
}
