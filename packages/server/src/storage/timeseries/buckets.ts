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

/**
 * Coarse tiers: weeks (Monday 00:00 UTC) and 4-week periods on the same alignment, each the sum
 * of its day rows. They are built once a period has closed (jobs/coarse-rollups.ts), never at
 * ingestion, and kept as long as day rows are; a window reads them only where they are built and
 * clean (`CoarseAvailability`), so a year is ≤ 13 four-week rows + ≤ 6 week rows + ≤ 12 day rows.
 */
export type CoarseTier = '1w' | '4w'
/** Finest first: the order they are built in. */
export const COARSE_TIERS: readonly CoarseTier[] = ['1w', '4w']
export const COARSE_MINUTES: Record<CoarseTier, number> = { '1w': 7 * 1440, '4w': 28 * 1440 }
/** 1970-01-05, the first Monday after the epoch, in minutes: where weeks start. */
const WEEK_ORIGIN = 4 * 1440
/** Start (bucket minute) of the coarse period holding minute `m`. */
export const coarseBucketOf = (m: number, tier: CoarseTier): number =>
  Math.floor((m - WEEK_ORIGIN) / COARSE_MINUTES[tier]) * COARSE_MINUTES[tier] + WEEK_ORIGIN
/**
 * Tiers built by the storage job once a period has closed (jobs/coarse-rollups.ts), each with a
 * claim and a publication mark and flagged when written to late (coarse.repository.ts):
 * - `chart_1h`: per monitor and day, the day's hourly chart points (every probe summed, consensus
 *   minutes, p95) in one row (timeseries/chart-hours.ts): a 30-day chart reads 30 rows.
 * - `1w`, `4w`: the coarse tiers above.
 */
export type BuiltTier = 'chart_1h' | CoarseTier
/** The order the job builds them in. */
export const BUILT_TIERS: readonly BuiltTier[] = ['chart_1h', ...COARSE_TIERS]
export const PERIOD_MINUTES: Record<BuiltTier, number> = { chart_1h: 1440, ...COARSE_MINUTES }
/** Start (bucket minute) of the built period holding minute `m`. */
export const periodOf = (m: number, tier: BuiltTier): number =>
  tier === 'chart_1h' ? Math.floor(m / 1440) * 1440 : coarseBucketOf(m, tier)

/** Any tier a read can use. */
export type ReadTier = Tier | CoarseTier
export const READ_TIER_MINUTES: Record<ReadTier, number> = { ...TIER_MINUTES, ...COARSE_MINUTES }
/** Where a tier's buckets start: minutes since the epoch that are bucket boundaries modulo its size. */
export const tierOrigin = (tier: ReadTier): number => (tier === '1w' || tier === '4w' ? WEEK_ORIGIN : 0)

/** Which built periods a read may use: built up to `built` (exclusive end, minutes), not dirty. */
export interface CoarseAvailability {
  built: Partial<Record<BuiltTier, number>>
  /** `${tier}:${bucket}` of periods written to after their build. */
  dirty: ReadonlySet<string>
}

/** A half-open range of bucket minutes [from, to) read from one tier. */
export interface Segment {
  tier: ReadTier
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
export function cover(fromMs: number, toMs: number, nowMs: number, coarse?: CoarseAvailability): CoverPlan {
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
  const push = (tier: ReadTier, a: number, b: number) => {
    if (b <= a) return
    const last = segments[segments.length - 1]
    // Adjacent ranges of one tier are one range query.
    if (last && last.tier === tier && last.to === a) last.to = b
    else segments.push({ tier, from: a, to: b })
  }
  // Whole days [a, b): built, clean coarse periods inside it, coarsest first; days for the rest.
  const days = (a: number, b: number, level = COARSE_TIERS.length - 1) => {
    const tier = COARSE_TIERS[level]
    if (!coarse || tier === undefined) return push('1d', a, b)
    const size = COARSE_MINUTES[tier]
    const built = coarse.built[tier] ?? -Infinity
    let cursor = a
    for (let p = coarseBucketOf(a - 1, tier) + size; p + size <= Math.min(b, built); p += size) {
      if (coarse.dirty.has(`${tier}:${p}`)) continue
      days(cursor, p, level - 1)
      push(tier, p, p + size)
      cursor = p + size
    }
    days(cursor, b, level - 1)
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
    days(ds, de)
    sub(de, t)
  } else sub(f, t)
  return { segments, from: f * MINUTE_MS, to: Math.min(t * MINUTE_MS, Math.max(toMs, nowMs)), precision }
}

/** Start of the UTC day containing `ms`. */
export const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS
export const hourStart = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS
