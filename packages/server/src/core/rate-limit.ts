import type { Clock } from '@whatisup/shared'

/**
 * Fixed-window counter. In-process here; a Redis implementation of the same interface takes
 * over when several replicas share the limits.
 */
export interface RateLimiter {
  /** Counts one hit for `key`; returns how many seconds to wait when over `limit`, else 0. */
  hit(key: string, limit: number, windowMs: number): Promise<number>
}

export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { start: number; count: number }>()

  constructor(private clock: Clock) {}

  async hit(key: string, limit: number, windowMs: number): Promise<number> {
    const now = this.clock.now()
    let w = this.windows.get(key)
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 }
      this.windows.set(key, w)
      if (this.windows.size > 100_000) this.sweep(now, windowMs)
    }
    w.count++
    return w.count > limit ? Math.ceil((w.start + windowMs - now) / 1000) : 0
  }

  private sweep(now: number, windowMs: number) {
    for (const [k, w] of this.windows) if (now - w.start >= windowMs) this.windows.delete(k)
  }
}
