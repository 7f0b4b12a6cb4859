import type { Clock, ProbeMonitorConfig, TimerHandle } from '@whatisup/shared'
import { type Logger, silentLogger } from '../log.js'
import { MinHeap } from './heap.js'
import { nextSlot, phaseOf } from './phase.js'
import { type Execute, Runner, type RunnerStats } from './runner.js'

export type { RunInfo } from './runner.js'

export interface SchedulerOptions {
  clock: Clock
  maxConcurrent: number
  /** Runs one check and hands its result on; a rejection is logged, never fatal. */
  execute: Execute
  log?: Logger
}

export interface SchedulerStats extends RunnerStats {
  monitors: number
  skipped: number
}

interface Slot {
  monitor: ProbeMonitorConfig
  intervalMs: number
  phaseMs: number
  /** Heap entries carry it: an entry from before a reschedule or removal is ignored when popped. */
  generation: number
  /** Queued + running runs: a busy monitor skips its tick instead of piling up. */
  pending: number
}

interface Tick {
  due: number
  id: string
  generation: number
}

/**
 * Every monitor's runs from ONE min-heap and ONE pending clock timer, on a fixed grid per monitor
 * (`phase = hash(id) mod interval`, absolute epoch time), handed to a {@link Runner} that applies
 * the global concurrency limit.
 */
export class Scheduler {
  private readonly slots = new Map<string, Slot>()
  private readonly heap = new MinHeap<Tick>((t) => t.due)
  private readonly runner: Runner
  private readonly clock: Clock
  private readonly log: Logger
  private timer: { handle: TimerHandle; at: number } | undefined
  private generation = 0
  private skipped = 0
  private stopped = false

  constructor(options: SchedulerOptions) {
    this.clock = options.clock
    this.log = options.log ?? silentLogger
    this.runner = new Runner(options.clock, options.maxConcurrent, options.execute, this.log)
  }

  /** Applies a full assignment. Unchanged monitors keep their timing untouched. */
  reconcile(monitors: readonly ProbeMonitorConfig[]): { added: number; changed: number; removed: number } {
    const counts = { added: 0, changed: 0, removed: 0 }
    const wanted = new Map(monitors.map((m) => [m.id, m]))
    for (const id of this.slots.keys()) {
      if (wanted.has(id)) continue
      this.slots.delete(id)
      counts.removed++
    }
    for (const monitor of wanted.values()) {
      const slot = this.slots.get(monitor.id)
      if (!slot) {
        const fresh: Slot = { monitor, intervalMs: 0, phaseMs: 0, generation: 0, pending: 0 }
        this.slots.set(monitor.id, fresh)
        this.place(fresh)
        counts.added++
      } else if (canonical(slot.monitor) !== canonical(monitor)) {
        slot.monitor = monitor
        counts.changed++
        // Same interval means same grid: only a new interval needs a new next run.
        if (intervalOf(monitor) !== slot.intervalMs) this.place(slot)
      }
    }
    this.arm()
    return counts
  }

  /** Runs a monitor now, ahead of queued work, without moving its grid. False if unknown. */
  checkNow(id: string): boolean {
    const slot = this.slots.get(id)
    if (!slot || this.stopped) return false
    this.submit(slot, this.clock.now(), true)
    return true
  }

  isAssigned(id: string): boolean {
    return this.slots.has(id)
  }

  stats(): SchedulerStats {
    return { monitors: this.slots.size, skipped: this.skipped, ...this.runner.stats() }
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
    if (this.timer && this.timer.at === top?.due) return
    if (this.timer) this.clock.clearTimeout(this.timer.handle)
    this.timer = undefined
    if (!top) return
    this.timer = { handle: this.clock.setTimeout(() => this.onTimer(), top.due - this.clock.now()), at: top.due }
  }

  private onTimer(): void {
    this.timer = undefined
    const now = this.clock.now()
    for (let top = this.heap.peek(); top && top.due <= now; top = this.heap.peek()) {
      this.heap.pop()
      const slot = this.slots.get(top.id)
      if (slot?.generation === top.generation) this.tick(slot, top.due, now)
    }
    this.arm()
  }

  private tick(slot: Slot, due: number, now: number): void {
    // From the grid, not from "now": a late or slow run never shifts the following ones.
    const next = nextSlot(Math.max(due + slot.intervalMs, now + 1), slot.intervalMs, slot.phaseMs)
    this.heap.push({ due: next, id: slot.monitor.id, generation: slot.generation })
    // Slots passed over while the process was stalled (suspend, blocked loop) count as skipped.
    this.skipped += Math.round((next - due) / slot.intervalMs) - 1
    if (slot.pending > 0) {
      this.skipped++
      this.log.debug('tick skipped: previous run still in progress', { monitor_id: slot.monitor.id })
      return
    }
    this.submit(slot, due, false)
  }

  private submit(slot: Slot, due: number, manual: boolean): void {
    slot.pending++
    const id = slot.monitor.id
    const current = () => (this.slots.get(id) === slot ? slot.monitor : undefined)
    this.runner.submit({ due, manual, current, settle: () => slot.pending-- }, manual)
  }
}

function intervalOf(monitor: ProbeMonitorConfig): number {
  return Math.max(1, monitor.interval_seconds) * 1000
}

/** Key-order-independent form, so a server re-serialising headers in another order is no change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )
}
