import type { Clock, TimerHandle } from '@whatisup/shared'

/**
 * One timer for every deadline: a min-heap of (due, key) and a single clock timer armed at the
 * earliest, re-armed whenever the earliest changes. Entries are replaced lazily (a stale heap
 * entry is skipped when popped), so `set` is O(log n) and 100 000 heartbeats cost one timer.
 * Due keys are handed to `onDue` one at a time; `idle()` resolves once that work is done.
 *
 * @example
 * const timers = new DeadlineTimers(clock, async (id) => evaluate(id))
 * timers.start(); timers.set('m1', clock.now() + 60_000)
 */
export class DeadlineTimers {
  private readonly due = new Map<string, number>()
  private readonly heap: [at: number, key: string][] = []
  private handle: TimerHandle | null = null
  private armedFor: number | null = null
  private running = false
  private stopped = true
  private work: Promise<void> = Promise.resolve()

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (key: string, dueAt: number) => Promise<void>,
    /** Longest single wait (host timers overflow past ~24.8 days); an early wake just re-arms. */
    private readonly maxWaitMs = 6 * 3_600_000,
  ) {}

  /** Sets (or clears, with null) the deadline of `key`. */
  set(key: string, at: number | null): void {
    if (at === null) {
      this.due.delete(key)
      return
    }
    if (this.due.get(key) === at) return
    this.due.set(key, at)
    this.push([at, key])
    if (!this.stopped && !this.running && (this.armedFor === null || at < this.armedFor)) this.arm()
  }

  get(key: string): number | null {
    return this.due.get(key) ?? null
  }

  get size(): number {
    return this.due.size
  }

  start(): void {
    this.stopped = false
    this.arm()
  }

  stop(): void {
    this.stopped = true
    this.disarm()
  }

  /** Resolves when the due work started so far is done (tests advance a FakeClock, then await this). */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined
    while (seen !== this.work) {
      seen = this.work
      await seen
    }
  }

  private arm(): void {
    this.disarm()
    if (this.stopped) return
    const next = this.peek()
    if (next === null) return
    const wait = Math.min(Math.max(0, next - this.clock.now()), this.maxWaitMs)
    this.armedFor = next
    this.handle = this.clock.setTimeout(() => this.fire(), wait)
  }

  private disarm(): void {
    if (this.handle) this.clock.clearTimeout(this.handle)
    this.handle = null
    this.armedFor = null
  }

  private fire(): void {
    this.handle = null
    this.armedFor = null
    this.running = true
    const now = this.clock.now()
    const ready: [string, number][] = []
    for (let top = this.peek(); top !== null && top <= now; top = this.peek()) {
      const [at, key] = this.pop() as [number, string]
      this.due.delete(key)
      ready.push([key, at])
    }
    if (ready.length === 0) {
      // An early wake (the cap, or the earliest deadline moved later): just wait again.
      this.running = false
      this.arm()
      return
    }
    this.work = this.work.then(async () => {
      for (const [key, at] of ready) await this.onDue(key, at).catch(() => {})
      this.running = false
      this.arm()
    })
  }

  /** Earliest live entry, dropping stale ones. */
  private peek(): number | null {
    while (this.heap.length > 0) {
      const [at, key] = this.heap[0] as [number, string]
      if (this.due.get(key) === at) return at
      this.pop()
    }
    return null
  }

  private push(entry: [number, string]): void {
    // Lazily replaced entries pile up when deadlines keep moving earlier: rebuild now and then.
    if (this.heap.length > 2 * this.due.size + 1024) {
      const live = this.heap.filter(([at, key]) => this.due.get(key) === at)
      this.heap.length = 0
      for (const e of live) this.siftUp(e)
    }
    this.siftUp(entry)
  }

  private siftUp(entry: [number, string]): void {
    const h = this.heap
    h.push(entry)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = h[parent] as [number, string]
      if (p[0] <= entry[0]) break
      h[i] = p
      i = parent
    }
    h[i] = entry
  }

  private pop(): [number, string] | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length === 0 || !last) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let min = -1
      let minAt = last[0]
      if (l < h.length && (h[l] as [number, string])[0] < minAt) {
        min = l
        minAt = (h[l] as [number, string])[0]
      }
      if (r < h.length && (h[r] as [number, string])[0] < minAt) min = r
      if (min < 0) break
      h[i] = h[min] as [number, string]
      i = min
    }
    h[i] = last
    return top
  }
}
