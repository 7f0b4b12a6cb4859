/**
 * The most recent samples (bounded ring) for percentiles over a time horizon: memory stays flat
 * whatever the check rate, and at high rates the newest samples are the relevant ones anyway.
 */
export class SampleWindow {
  private readonly at: Float64Array
  private readonly values: Float64Array
  private next = 0
  private count = 0

  constructor(
    capacity = 4096,
    private readonly horizonMs = 60_000,
  ) {
    this.at = new Float64Array(capacity)
    this.values = new Float64Array(capacity)
  }

  add(value: number, at: number): void {
    this.at[this.next] = at
    this.values[this.next] = value
    this.next = (this.next + 1) % this.at.length
    this.count = Math.min(this.count + 1, this.at.length)
  }

  /** Nearest-rank percentiles of the samples within the horizon; undefined when there are none. */
  percentiles(now: number, ps: readonly number[]): Array<number | undefined> {
    const recent: number[] = []
    for (let i = 0; i < this.count; i++) if (this.at[i]! > now - this.horizonMs) recent.push(this.values[i]!)
    recent.sort((a, b) => a - b)
    return ps.map((p) =>
      recent.length ? recent[Math.min(recent.length - 1, Math.ceil(p * recent.length) - 1)] : undefined,
    )
  }
}

/** Events per second over the last minute, in one-second buckets. */
export class RateWindow {
  private readonly seconds = new Float64Array(60).fill(-1)
  private readonly counts = new Float64Array(60)

  constructor(private readonly since: number) {}

  add(at: number): void {
    const s = Math.floor(at / 1000)
    const i = s % 60
    if (this.seconds[i] !== s) {
      this.seconds[i] = s
      this.counts[i] = 0
    }
    this.counts[i]!++
  }

  perSecond(now: number): number {
    const s = Math.floor(now / 1000)
    let total = 0
    for (let i = 0; i < 60; i++) if (this.seconds[i]! > s - 60) total += this.counts[i]!
    // Right after start the window is not full yet: divide by the time actually observed.
    const span = Math.min(60, Math.max(1, (now - this.since) / 1000))
    return Math.round((total / span) * 100) / 100
  }
}
