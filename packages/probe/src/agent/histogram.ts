/**
 * Cumulative log-scale histogram of milliseconds (5 % wide buckets from 0.01 ms to about 20 min):
 * constant memory and O(1) per sample, and two snapshots subtract into the distribution of
 * exactly the period between them, which is what a benchmark's sample window needs.
 */
export const HISTOGRAM_BUCKETS = 400
const FLOOR_MS = 0.01
const GROWTH = Math.log(1.05)

export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_BUCKETS)

  add(ms: number): void {
    this.counts[bucketOf(ms)]!++
  }

  snapshot(): number[] {
    return Array.from(this.counts)
  }
}

function bucketOf(ms: number): number {
  if (!(ms >= FLOOR_MS)) return 0
  return Math.min(HISTOGRAM_BUCKETS - 1, 1 + Math.floor(Math.log(ms / FLOOR_MS) / GROWTH))
}

/** Upper bound of a bucket, in ms: a percentile read from the histogram errs on the high side. */
function upperBound(bucket: number): number {
  return FLOOR_MS * Math.exp(GROWTH * bucket)
}

/**
 * Nearest-rank percentile (`p` in 0..1) of a histogram snapshot or of the difference of two.
 *
 * @example
 * percentileOf(diff(later, earlier), 0.99) // p99 over the period between the two snapshots
 */
export function percentileOf(counts: readonly number[], p: number): number | undefined {
  let total = 0
  for (const c of counts) total += c
  if (total === 0) return undefined
  const rank = Math.max(1, Math.ceil(p * total))
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!
    if (seen >= rank) return Math.round(upperBound(i) * 100) / 100
  }
  return undefined
}

export function diffCounts(later: readonly number[], earlier: readonly number[]): number[] {
  return later.map((c, i) => c - (earlier[i] ?? 0))
}
