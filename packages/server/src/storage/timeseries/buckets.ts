/**
 * Rollup tiers and how a time window is read from them. Buckets are stored as whole minutes since
 * the epoch (UTC), aligned to their tier: a 1 h bucket is a multiple of 60, a 1 d bucket of 1440.
 */
export type Tier = '1m' | '1h' | '1d'
export const TIERS: readonly Tier[] = ['1m', '1h', '1d']
export const TIER_MINUTES: Record<Tier, number> = { '1m': 1, '1h': 60, '1d': 1440 }

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** How long each tier is kept (ms); 1 d rollups are kept forever. */
export const TIER_RETENTION_MS: Record<Tier, number> = { '1m': 48 * HOUR_MS, '1h': 90 * DAY_MS, '1d': Infinity }

export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS)
export const bucketOf = (ms: number, tier: Tier): number => {
  const size = TIER_MINUTES[tier]
  return Math.floor(minuteOf(ms) / size) * size
}
const floorTo = (m: number, size: number) => Math.floor(m / size) * size
const ceilTo = (m: number, size: number) => Math.ceil(m / size) * size

/** A half-open range of bucket minutes [from, to) read from one tier. */
export interface Segment {
  tier: Tier
  from: number
  to: number
}

export interface CoverPlan {
  segments: Segment[]
  /** The window actually covered, in ms, after rounding to what the tiers still hold. */
  from: number
  to: number
  /** The finest tier used at the window's edges. */
  precision: Tier
}

/**
 * Splits [fromMs, toMs) into the fewest rollup rows: whole days from 1 d, whole hours at the edges
 * from 1 h, minutes at the edges from 1 m. Edges older than a tier's horizon are widened to the
 * next coarser tier (minute precision within 48 h, hour within 90 d, day beyond). A window that
 * ends at `now` reads today's (incomplete) day and hour rows whole: nothing exists after now.
 *
 * @example cover(now - 90 * DAY_MS, now, now) // ≈ 90 day rows + ≤ 24 hour rows + ≤ 60 minute rows
 */
export function cover(fromMs: number, toMs: number, nowMs: number): CoverPlan {
  // Horizons are aligned to the coarser tier so that a rounded edge never lands on purged rows.
  const h1 = ceilTo(minuteOf(nowMs - TIER_RETENTION_MS['1m']), 60) + 60
  const h2 = ceilTo(minuteOf(nowMs - TIER_RETENTION_MS['1h']), 1440) + 1440
  let f = minuteOf(fromMs)
  let t = Math.ceil(toMs / MINUTE_MS)
  let precision: Tier = '1m'
  if (f < h2) {
    f = floorTo(f, 1440)
    precision = '1d'
  } else if (f < h1) {
    f = floorTo(f, 60)
    precision = '1h'
  }
  if (toMs >= nowMs) t = ceilTo(Math.max(t, f + 1), 1440)
  else if (t <= h2) {
    t = ceilTo(t, 1440)
    precision = '1d'
  } else if (t <= h1) {
    t = ceilTo(t, 60)
    if (precision === '1m') precision = '1h'
  }
  if (t <= f) return { segments: [], from: f * MINUTE_MS, to: f * MINUTE_MS, precision }

  const segments: Segment[] = []
  const push = (tier: Tier, a: number, b: number) => {
    if (b > a) segments.push({ tier, from: a, to: b })
  }
  const sub = (a: number, b: number) => {
    const hs = ceilTo(a, 60)
    const he = floorTo(b, 60)
    if (hs < he) {
      push('1m', a, hs)
      push('1h', hs, he)
      push('1m', he, b)
    } else push('1m', a, b)
  }
  const ds = ceilTo(f, 1440)
  const de = floorTo(t, 1440)
  if (ds < de) {
    sub(f, ds)
    push('1d', ds, de)
    sub(de, t)
  } else sub(f, t)
  return { segments, from: f * MINUTE_MS, to: Math.min(t * MINUTE_MS, Math.max(toMs, nowMs)), precision }
}

/** Start of the UTC day containing `ms`. */
export const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS
export const hourStart = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS
