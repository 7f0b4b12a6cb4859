import type { Clock, ProbeMonitorConfig, TimerHandle } from '@whatisup/shared'
import type { Logger } from '../log.js'
import { Fifo } from './heap.js'
import { RateWindow, SampleWindow } from './windows.js'

export interface RunInfo {
  /** When the run was due on the monitor's grid (or was requested, for check-now). */
  readonly dueAt: number
  readonly startedAt: number
  readonly manual: boolean
  /**
   * Someone is waiting for this result (check now, possibly coalesced into this run after it
   * started): deliver it at once instead of with the next batch. Read it when the run ends.
   */
  urgent: boolean
  /** The backstop already reported this run as timed out: whatever it produces later is dropped. */
  abandoned: boolean
}

export type Execute = (monitor: ProbeMonitorConfig, run: RunInfo) => Promise<void>

/**
 * One queued run. The scheduler's per-monitor slot is the job itself (a monitor has at most one
 * run queued or running), so scheduling a run allocates nothing.
 */
export interface Job {
  due: number
  manual: boolean
  lane: string
  /** A promoted job leaves a stale entry in its old queue: skipped because the job is no longer `queued`. */
  state: 'idle' | 'queued' | 'running'
  run: RunInfo | undefined
  /** While running: when the backstop gives up on it (epoch ms). */
  deadline: number
  /** The config to run at start time, or undefined when the monitor went away while queued. */
  current(): ProbeMonitorConfig | undefined
}

export interface RunnerStats {
  running: number
  queued: number
  started: number
  completed: number
  /** Runs the backstop ended because the check ignored its timeout. */
  overdue: number
  checksPerSecond: number
  lagP50Ms?: number
  lagP99Ms?: number
}

export interface RunnerOptions {
  clock: Clock
  /** Global limit: runs at once across every lane. */
  maxConcurrent: number
  /** Extra limits per lane (e.g. `{browser: 2}`); lanes not listed are bounded by the global limit only. */
  laneLimits?: Readonly<Record<string, number>>
  execute: Execute
  log: Logger
  /** Every run's lag (start − due, ms), for callers that keep their own histogram. */
  onLag?: (lagMs: number) => void
  /**
   * The backstop: a run still going `graceMs` after its monitor's `timeout_seconds` is reported
   * through `onOverdue` (which must deliver a timeout result) and its slot is freed.
   */
  backstop?: { graceMs: number; onOverdue: (monitor: ProbeMonitorConfig, run: RunInfo) => void }
}

/** The backstop sweeps running jobs at this period: one timer for all, not one per check. */
const SWEEP_MS = 1000

/** What the runner keeps about a run in progress; the checker sees it as a {@link RunInfo}. */
interface ActiveRun extends RunInfo {
  readonly lane: Lane
  readonly monitor: ProbeMonitorConfig
}

interface Lane {
  readonly name: string
  /** Runs a person is waiting on (check now), first come first served, before the scheduled ones. */
  readonly urgent: Fifo<Job>
  readonly queue: Fifo<Job>
  readonly limit: number
  running: number
}

/**
 * The concurrency limits: at most `maxConcurrent` runs in all, and per lane at most its own limit
 * (browser scenarios must not take every slot, nor wait behind a backlog of HTTP checks). Each
 * lane is a FIFO queue of its own, so a full lane never blocks the others.
 */
export class Runner {
  private readonly lanes = new Map<string, Lane>()
  private readonly lag = new SampleWindow()
  private readonly rate: RateWindow
  private running = 0
  private started = 0
  private completed = 0
  private stopped = false
  private idle: (() => void) | undefined
  /** Running jobs, for the backstop sweep. */
  private readonly inflight = new Set<Job>()
  private sweepTimer: TimerHandle | undefined
  private overdue = 0

  constructor(private readonly o: RunnerOptions) {
    this.rate = new RateWindow(o.clock.now())
  }

  /** Queues a job that is idle. `urgent` runs (a person is waiting) jump the scheduled ones. */
  submit(job: Job, urgent: boolean): void {
    const lane = this.lane(job.lane)
    job.state = 'queued'
    ;(urgent ? lane.urgent : lane.queue).push(job)
    this.pump()
  }

  /**
   * A queued job becomes urgent: queued again with the urgent runs. Its old entry stays behind in
   * the queue and is skipped when reached, which keeps every queue operation O(1).
   */
  promote(job: Job): void {
    if (job.state !== 'queued') return
    job.manual = true
    this.lane(job.lane).urgent.push(job)
    this.pump()
  }

  stats(): RunnerStats {
    const now = this.o.clock.now()
    const [p50, p99] = this.lag.percentiles(now, [0.5, 0.99])
    const { running, started, completed } = this
    let queued = 0
    for (const lane of this.lanes.values()) queued += lane.urgent.size + lane.queue.size
    const checksPerSecond = this.rate.perSecond(now)
    const stats: RunnerStats = { running, queued, started, completed, overdue: this.overdue, checksPerSecond }
    if (p50 !== undefined) stats.lagP50Ms = p50
    if (p99 !== undefined) stats.lagP99Ms = p99
    return stats
  }

  /** Drops queued jobs and waits for running ones. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const lane of this.lanes.values()) {
      for (const queue of [lane.urgent, lane.queue]) {
        for (let job = queue.shift(); job; job = queue.shift()) if (job.state === 'queued') job.state = 'idle'
      }
    }
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve))
    if (this.sweepTimer) this.o.clock.clearTimeout(this.sweepTimer)
    this.sweepTimer = undefined
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name)
    if (!lane) {
      const limit = this.o.laneLimits?.[name] ?? Number.POSITIVE_INFINITY
      lane = { name, urgent: new Fifo<Job>(), queue: new Fifo<Job>(), limit, running: 0 }
      this.lanes.set(name, lane)
    }
    return lane
  }

  private pump(): void {
    while (!this.stopped && this.running < this.o.maxConcurrent) {
      let progressed = false
      for (const lane of this.lanes.values()) {
        if (lane.running >= lane.limit) continue
        const job = lane.urgent.shift() ?? lane.queue.shift()
        if (!job) continue
        progressed = true
        // A stale entry of a promoted job, or a job whose monitor was removed while queued.
        if (job.state !== 'queued') continue
        const monitor = job.current()
        if (monitor) this.start(job, lane, monitor)
        else job.state = 'idle'
        if (this.running >= this.o.maxConcurrent) return
      }
      if (!progressed) return
    }
  }

  private start(job: Job, lane: Lane, monitor: ProbeMonitorConfig): void {
    const startedAt = this.o.clock.now()
    this.running++
    lane.running++
    this.started++
    job.state = 'running'
    const run: ActiveRun = {
      dueAt: job.due,
      startedAt,
      manual: job.manual,
      urgent: job.manual,
      abandoned: false,
      lane,
      monitor,
    }
    job.run = run
    // Lag = how late the run starts against its grid time: the probe's own health signal.
    if (!job.manual) {
      this.lag.add(startedAt - job.due, startedAt)
      this.o.onLag?.(startedAt - job.due)
    }
    if (this.o.backstop) {
      job.deadline = startedAt + monitor.timeout_seconds * 1000 + this.o.backstop.graceMs
      this.inflight.add(job)
      this.sweepTimer ??= this.o.clock.setTimeout(this.sweep, SWEEP_MS)
    }
    let work: Promise<void>
    try {
      work = this.o.execute(monitor, run)
    } catch (error) {
      work = Promise.reject(error)
    }
    // Inline callbacks, not named closures: tsx (esbuild keepNames) wraps those in `__name`.
    work.then(
      () => this.finish(job, run),
      (error: unknown) => {
        this.o.log.error('check run failed', { monitor_id: monitor.id, error })
        this.finish(job, run)
      },
    )
  }

  /** A run ended, or the backstop gave up on it; whichever comes second is ignored. */
  private finish(job: Job, run: ActiveRun): void {
    if (job.run !== run) return
    this.running--
    run.lane.running--
    this.completed++
    this.rate.add(this.o.clock.now())
    job.state = 'idle'
    job.run = undefined
    this.inflight.delete(job)
    if (this.running === 0 && this.idle) this.idle()
    this.pump()
  }

  private readonly sweep = (): void => {
    this.sweepTimer = undefined
    const now = this.o.clock.now()
    for (const job of this.inflight) {
      const run = job.run as ActiveRun | undefined
      if (!run || job.deadline > now) continue
      run.abandoned = true
      this.overdue++
      this.o.backstop?.onOverdue(run.monitor, run)
      this.finish(job, run)
    }
    if (this.inflight.size > 0 && !this.stopped) this.sweepTimer = this.o.clock.setTimeout(this.sweep, SWEEP_MS)
  }
}
