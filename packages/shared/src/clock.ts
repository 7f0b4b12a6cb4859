/**
 * Time source for everything that schedules or compares times. Domain code never calls
 * `Date.now()` or `setTimeout` directly, so tests drive it with {@link FakeClock}.
 *
 * @example
 * const clock = new FakeClock(0)
 * clock.setTimeout(() => fired.push(clock.now()), 1000)
 * clock.advance(1000) // fired === [1000]
 */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

export interface TimerHandle {
  readonly id: number
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms))
    // Timers must never keep a process alive on their own: shutdown is explicit.
    ;(t as { unref?: () => void }).unref?.()
    return { id: 0, t } as unknown as TimerHandle
  },
  clearTimeout(handle) {
    clearTimeout((handle as unknown as { t: ReturnType<typeof setTimeout> }).t)
  },
}

/** A manual clock for tests: time moves only through {@link FakeClock.advance}. */
export class FakeClock implements Clock {
  private nextId = 1
  private timers = new Map<number, { at: number; fn: () => void }>()

  constructor(private current = 0) {}

  now(): number {
    return this.current
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++
    this.timers.set(id, { at: this.current + Math.max(0, ms), fn })
    return { id }
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id)
  }

  /** Moves time forward, firing due timers in time order (timers set while firing included). */
  advance(ms: number): void {
    const target = this.current + ms
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined
      for (const entry of this.timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry
      if (!next) break
      this.timers.delete(next[0])
      this.current = next[1].at
      next[1].fn()
    }
    this.current = target
  }

  pendingTimers(): number {
    return this.timers.size
  }
}
