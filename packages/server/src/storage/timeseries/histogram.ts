/**
 * Mergeable latency histogram with fixed log-scale buckets, so percentiles over any window come
 * from rollups: merging is adding counts, and a percentile read from the merged counts is within
 * ±4.5 % of the exact value (half a bucket: buckets grow by 2^(1/8) ≈ 9 %).
 *
 * Values are latencies in tenths of a millisecond (integers, as stored). Bucket 0 holds 0; bucket
 * i ≥ 1 holds [2^((i−1)/8), 2^(i/8)) tenths, so 0.1 ms … 1 h fits in 204 buckets (one byte each).
 *
 * @example
 * const h = newHistogram(); addValue(h, 125); addValue(h, 980)
 * percentile(h, 0.95) // ≈ 980 (tenths of ms)
 * decodeInto(other, encode(h)) // merge a stored blob into another histogram
 */
export const HIST_SIZE = 256
const PER_DOUBLING = 8

export type Histogram = Float64Array

export const newHistogram = (): Histogram => new Float64Array(HIST_SIZE)

/** Bucket bounds computed once: `2 **` on every value added was a measurable share of ingestion. */
const LOWER = Float64Array.from({ length: HIST_SIZE + 1 }, (_, i) => (i <= 0 ? 0 : 2 ** ((i - 1) / PER_DOUBLING)))
const UPPER = Float64Array.from({ length: HIST_SIZE + 1 }, (_, i) => (i <= 0 ? 1 : 2 ** (i / PER_DOUBLING)))

export function bucketLower(i: number): number {
  return i <= 0 ? 0 : i <= HIST_SIZE ? (LOWER[i] as number) : 2 ** ((i - 1) / PER_DOUBLING)
}
export function bucketUpper(i: number): number {
  return i <= 0 ? 1 : i <= HIST_SIZE ? (UPPER[i] as number) : 2 ** (i / PER_DOUBLING)
}

/** The bucket of a value, exact at the boundaries (no floating-point drift across the two bounds). */
export function bucketOf(v: number): number {
  if (!(v >= 1)) return 0
  let i = Math.min(HIST_SIZE - 1, 1 + Math.floor(PER_DOUBLING * Math.log2(v)))
  while (i > 1 && v < (LOWER[i] as number)) i--
  while (i < HIST_SIZE - 1 && v >= (UPPER[i] as number)) i++
  return i
}

export function addValue(h: Histogram, v: number, count = 1): void {
  const i = bucketOf(v)
  h[i] = (h[i] ?? 0) + count
}

export function mergeInto(target: Histogram, src: Histogram): void {
  for (let i = 0; i < HIST_SIZE; i++) target[i] = (target[i] ?? 0) + (src[i] ?? 0)
}

export function total(h: Histogram): number {
  let n = 0
  for (let i = 0; i < HIST_SIZE; i++) n += h[i] ?? 0
  return n
}

/**
 * Nearest-rank percentile (the value at rank ⌈q·n⌉), estimated as the geometric middle of its
 * bucket and clamped to the known min/max. null when empty.
 */
export function percentile(h: Histogram, q: number, min?: number | null, max?: number | null): number | null {
  const i = percentileBucket(h, q)
  return i === null ? null : bucketValue(i, min, max)
}

/** The bucket holding the nearest-rank percentile (what `percentile` estimates from); null when empty. */
export function percentileBucket(h: Histogram, q: number): number | null {
  const n = total(h)
  if (n === 0) return null
  const rank = Math.max(1, Math.ceil(q * n))
  let seen = 0
  for (let i = 0; i < HIST_SIZE; i++) {
    seen += h[i] ?? 0
    if (seen >= rank) return i
  }
  return HIST_SIZE - 1
}

/** A bucket's estimate: the geometric middle of its bounds, clamped to the known min/max. */
export function bucketValue(i: number, min?: number | null, max?: number | null): number {
  let v = i === 0 ? 0 : Math.sqrt(bucketLower(i) * bucketUpper(i))
  if (min !== undefined && min !== null && v < min) v = min
  if (max !== undefined && max !== null && v > max) v = max
  return v
}

/**
 * Sparse encoding: per non-empty bucket, one byte of index then the count as LEB128. A 1-minute
 * rollup with one result is 2 bytes; a day of varied latencies is ~40–80 bytes.
 */
/** Scratch space for `encode`: every bucket with the largest count (LEB128 of 2^53 is 8 bytes). */
const SCRATCH = new Uint8Array(HIST_SIZE * 9)
export function encode(h: Histogram): Uint8Array {
  let p = 0
  for (let i = 0; i < HIST_SIZE; i++) {
    const v = h[i] as number
    if (!(v > 0)) continue
    const c = Math.round(v)
    if (c > 0) p = putEntry(p, i, c)
  }
  return SCRATCH.slice(0, p)
}

/** Writes one sparse entry (bucket byte, LEB128 count) into `SCRATCH` at `p`; the next offset. */
function putEntry(p: number, bucket: number, count: number): number {
  let c = count
  SCRATCH[p++] = bucket
  while (c >= 0x80) {
    SCRATCH[p++] = (c % 0x80) | 0x80
    c = Math.floor(c / 0x80)
  }
  SCRATCH[p++] = c
  return p
}

/** Encodes the histogram of these bucket indices (one per value, any order) as `encode` does. */
export function encodeBuckets(buckets: readonly number[]): Uint8Array {
  const sorted = buckets.length < 2 ? buckets : [...buckets].sort((a, b) => a - b)
  let p = 0
  for (let i = 0; i < sorted.length; ) {
    const b = sorted[i] as number
    let c = 0
    while (i < sorted.length && sorted[i] === b) {
      c++
      i++
    }
    p = putEntry(p, b, c)
  }
  return SCRATCH.slice(0, p)
}

/** Adds an encoded histogram into `h` (merging is addition); tolerates null/empty blobs. */
export function decodeInto(h: Histogram, blob: Uint8Array | null | undefined): Histogram {
  if (!blob) return h
  let p = 0
  while (p < blob.length) {
    const i = blob[p++]!
    let c = 0
    let mul = 1
    for (;;) {
      const b = blob[p++]
      if (b === undefined) return h
      c += (b & 0x7f) * mul
      if (b < 0x80) break
      mul *= 0x80
    }
    h[i] = (h[i] ?? 0) + c
  }
  return h
}

/** Reads one sparse entry at `p`: [bucket, count, next offset]. */
function readEntry(buf: Uint8Array, p: number): [number, number, number] {
  const bucket = buf[p++]!
  let c = 0
  let mul = 1
  for (;;) {
    const x = buf[p++] ?? 0
    c += (x & 0x7f) * mul
    if (x < 0x80) break
    mul *= 0x80
  }
  return [bucket, c, p]
}

function writeEntry(out: number[], bucket: number, count: number): void {
  out.push(bucket)
  let c = count
  while (c >= 0x80) {
    out.push((c % 0x80) | 0x80)
    c = Math.floor(c / 0x80)
  }
  out.push(c)
}

/**
 * Adds two encoded histograms without decoding them to dense arrays (both are sorted by bucket):
 * merging stored blobs when reads group rows.
 */
export function mergeEncoded(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): Uint8Array {
  if (!a || a.length === 0) return b ?? new Uint8Array()
  if (!b || b.length === 0) return a
  const out: number[] = []
  let ea = readEntry(a, 0)
  let eb = readEntry(b, 0)
  let doneA = false
  let doneB = false
  while (!doneA || !doneB) {
    if (!doneA && (doneB || ea[0] < eb[0])) {
      writeEntry(out, ea[0], ea[1])
      doneA = ea[2] >= a.length
      if (!doneA) ea = readEntry(a, ea[2])
    } else if (!doneB && (doneA || eb[0] < ea[0])) {
      writeEntry(out, eb[0], eb[1])
      doneB = eb[2] >= b.length
      if (!doneB) eb = readEntry(b, eb[2])
    } else {
      writeEntry(out, ea[0], ea[1] + eb[1])
      doneA = ea[2] >= a.length
      doneB = eb[2] >= b.length
      if (!doneA) ea = readEntry(a, ea[2])
      if (!doneB) eb = readEntry(b, eb[2])
    }
  }
  return Uint8Array.from(out)
}
