import type { Clock, ProbeMonitorConfig, TimerHandle } from '@whatisup/shared'
import { type Logger, silentLogger } from '../log.js'
import { MinHeap } from './heap.js'
import { laneOf } from './lanes.js'
import { nextSlot, phaseOf } from './phase.js'
import { type Execute, type Job, Runner, type RunnerOptions, type RunnerStats } from './runner.js'

export type { RunInfo } from './runner.js'

export interface SchedulerOptions {
  clock: Clock
  /** Global limit on runs at once. */
  maxConcurrent: number
  /** Per-lane limits on top of the global one, e.g. `{browser: 2}` (see `lanes.ts`). */
  laneLimits?: Readonly<Record<string, number>>
  /** Runs one check and hands its result on; a rejection is logged, never fatal. */
  execute: Execute
  log?: Logger
  onLag?: (lagMs: number) => void
  /**
   * Starts the runs due within each window of this many ms together, at the window's end (0 =
   * each at its exact due time). Evenly spread starts cost the process more than small batches:
   * one event-loop wake-up and one round of socket events per check instead of per window.
   */
  batchMs?: number
  /** See {@link RunnerOptions.backstop}. */
  backstop?: RunnerOptions['backstop']
}

export interface SchedulerStats extends RunnerStats {
  monitors: number
  skipped: number
  /**
   * Ticks handled so far (each became a run or was skipped), and the due time of the latest one:
   * fidelity measured on due times, independent of how late the snapshot's last runs started.
   */
  ticks: number
  lastDueAt?: number
}

/** What check-now did: a new run, or joined the one already queued or running. */
export type CheckNowOutcome = 'started' | 'coalesced' | 'unknown'

/** A monitor's place in the schedule; also its (single) runner job. */
class Slot implements Job {
  intervalMs = 0
  phaseMs = 0
  /** Heap entries carry it: an entry from before a reschedule or removal is ignored when popped. */
  generation = 0
  removed = false
  due = 0
  manual = false
  lane: string
  state: Job['state'] = 'idle'
  run: Job['run'] = undefined
  deadline = 0

  constructor(public monitor: ProbeMonitorConfig) {
    this.lane = laneOf(monitor.check_type)
  }

  current(): ProbeMonitorConfig | undefined {
    return this.removed ? undefined : this.monitor
  }
}

interface Tick {
  due: number
  id: string
  generation: number
}

/**
 * Every monitor's runs from ONE min-heap and ONE pending clock timer, on a fixed grid per monitor
 * (`phase = hash(id) mod interval`, absolute epoch time), handed to a {@link Runner} that applies
 * the concurrency limits. A monitor has at most one run queued or running: a tick that finds it
 * busy is skipped (counted), a check-now joins it.
 */
export class Scheduler {
  private readonly slots = new Map<string, Slot>()
  private readonly heap = new MinHeap<Tick>((t) => t.due)
  private readonly runner: Runner
  private readonly clock: Clock
  private readonly log: Logger
  private timer: { handle: TimerHandle; at: number } | undefined
  private readonly batchMs: number
  private generation = 0
  private skipped = 0
  private ticks = 0
  private lastDueAt: number | undefined
  private stopped = false

  constructor(options: SchedulerOptions) {
    this.clock = options.clock
    this.log = options.log ?? silentLogger
    this.batchMs = options.batchMs ?? 0
    this.runner = new Runner({
      clock: options.clock,
      maxConcurrent: options.maxConcurrent,
      ...(options.laneLimits ? { laneLimits: options.laneLimits } : {}),
      execute: options.execute,
      log: this.log,
      ...(options.onLag ? { onLag: options.onLag } : {}),
      ...(options.backstop ? { backstop: options.backstop } : {}),
    })
  }

  /** Applies a full assignment. Unchanged monitors keep their timing untouched. */
  reconcile(monitors: readonly ProbeMonitorConfig[]): { added: number; changed: number; removed: number } {
    const counts = { added: 0, changed: 0, removed: 0 }
    const wanted = new Map(monitors.map((m) => [m.id, m]))
    for (const [id, slot] of this.slots) {
      if (wanted.has(id)) continue
      this.slots.delete(id)
      slot.removed = true
      counts.removed++
    }
    for (const monitor of wanted.values()) {
      const slot = this.slots.get(monitor.id)
      if (!slot) {
        const fresh = new Slot(monitor)
        this.slots.set(monitor.id, fresh)
        this.place(fresh)
        counts.added++
      } else if (changed(slot.monitor, monitor)) {
        slot.monitor = monitor
        slot.lane = laneOf(monitor.check_type)
        counts.changed++
        // Same interval means same grid: only a new interval needs a new next run.
        if (intervalOf(monitor) !== slot.intervalMs) this.place(slot)
      }
    }
    this.arm()
    return counts
  }

  /**
   * Runs a monitor now, ahead of queued work, without moving its grid. A run already running is
   * not doubled: its result is the answer (delivered at once); a queued one moves to the front.
   */
  checkNow(id: string): CheckNowOutcome {
    const slot = this.slots.get(id)
    if (!slot || this.stopped) return 'unknown'
    if (slot.state === 'running') {
      if (slot.run) slot.run.urgent = true
      return 'coalesced'
    }
    if (slot.state === 'queued') {
      this.runner.promote(slot)
      return 'coalesced'
    }
    this.submit(slot, this.clock.now(), true)
    return 'started'
  }

  isAssigned(id: string): boolean {
    return this.slots.has(id)
  }

  stats(): SchedulerStats {
    const { skipped, ticks, lastDueAt } = this
    const stats: SchedulerStats = { monitors: this.slots.size, skipped, ticks, ...this.runner.stats() }
    if (lastDueAt !== undefined) stats.lastDueAt = lastDueAt
    return stats
  }

  /** Stops scheduling, drops queued runs, and waits for running checks to finish. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) this.clock.clearTimeout(this.timer.handle)
    this.timer = undefined
    this.heap.clear()
    await this.runner.stop()
  }

  /** (Re)computes the grid; the new generation orphans any heap entry of the old one. */
  private place(slot: Slot): void {
    slot.intervalMs = intervalOf(slot.monitor)
    slot.phaseMs = phaseOf(slot.monitor.id, slot.intervalMs)
    slot.generation = ++this.generation
    const due = nextSlot(this.clock.now(), slot.intervalMs, slot.phaseMs)
    this.heap.push({ due, id: slot.monitor.id, generation: slot.generation })
  }

  private arm(): void {
    if (this.stopped) return
    const top = this.heap.peek()
    // The end of the batch window holding the next due tick: ticks due within one window start
    // together, never before they are due.
    const at = top && (this.batchMs > 1 ? Math.ceil(top.due / this.batchMs) * this.batchMs : top.due)
    if (this.timer && this.timer.at === at) return
    if (this.timer) this.clock.clearTimeout(this.timer.handle)
    this.timer = undefined
    if (at === undefined) return
    this.timer = { handle: this.clock.setTimeout(this.onTimer, at - this.clock.now()), at }
  }

  private readonly onTimer = (): void => {
    this.timer = undefined
    const now = this.clock.now()
    for (let top = this.heap.peek(); top && top.due <= now; top = this.heap.peek()) {
      this.heap.pop()
      const slot = this.slots.get(top.id)
      if (slot?.generation === top.generation) this.tick(slot, top, now)
    }
    this.arm()
  }

  /** `tick` was just popped from the heap: it is reused for the next run (no allocation per run). */
  private tick(slot: Slot, tick: Tick, now: number): void {
    const due = tick.due
    // From the grid, not from "now": a late or slow run never shifts the following ones.
    const next = nextSlot(Math.max(due + slot.intervalMs, now + 1), slot.intervalMs, slot.phaseMs)
    tick.due = next
    this.heap.push(tick)
    // Slots passed over while the process was stalled (suspend, blocked loop) count as skipped.
    const passedOver = Math.round((next - due) / slot.intervalMs) - 1
    this.skipped += passedOver
    this.ticks += 1 + passedOver
    this.lastDueAt = due
    if (slot.state !== 'idle') {
      this.skipped++
      this.log.debug('tick skipped: previous run still in progress', { monitor_id: slot.monitor.id })
      return
    }
    this.submit(slot, due, false)
  }

  private submit(slot: Slot, due: number, manual: boolean): void {
    slot.due = due
    slot.manual = manual
    this.runner.submit(slot, manual)
  }
}

function intervalOf(monitor: ProbeMonitorConfig): number {
  return Math.max(1, monitor.interval_seconds) * 1000
}

/**
 * Whether a monitor's config really changed. Plain serialisations first (native, fast: 10 000
 * unchanged monitors compare in tens of ms instead of over a second, which matters now that every
 * monitor edit makes probes re-pull), the key-order-independent form only when they differ.
 */
function changed(before: ProbeMonitorConfig, after: ProbeMonitorConfig): boolean {
  return JSON.stringify(before) !== JSON.stringify(after) && canonical(before) !== canonical(after)
}

/** Key-order-independent form, so a server re-serialising headers in another order is no change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )
}
