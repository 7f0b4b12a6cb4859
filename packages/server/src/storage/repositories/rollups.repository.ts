import { type Kysely, sql } from 'kysely'
import type { DB, RollupTable } from '../schema.js'
import { COARSE_MINUTES, type CoverPlan, cover, MINUTE_MS, type ReadTier, type Segment } from '../timeseries/buckets.js'
import { type ChartHour, decodeChartDay } from '../timeseries/chart-hours.js'
import {
  decodeInto,
  encode,
  type Histogram,
  mergeEncoded,
  newHistogram,
  percentileBucket,
} from '../timeseries/histogram.js'
import { addCounts, type MinuteCounts, newCounts } from '../timeseries/rollup.js'
import { CoarseRepository } from './coarse.repository.js'
import { ADDITIVE_ROLLUP_COLS, isPostgres, rollupTable } from './rollup-writer.js'

export type RollupRow = RollupTable
/** Rollup columns summed over a group (min/max for the latency bounds), histogram merged. */
export type SumRow = Omit<RollupTable, 'skey' | 'bucket' | 'hist'> & {
  skey: number
  mkey: number
  bucket: number
  hist: Uint8Array | null
}
export type SumGroup = 'skey' | 'bucket' | 'mkey' | 'mkey_bucket'

const SUMMED = ADDITIVE_ROLLUP_COLS
const GROUP_COLS: Record<SumGroup, string[]> = {
  skey: ['r.skey'],
  bucket: ['r.bucket'],
  mkey: ['s.mkey'],
  mkey_bucket: ['s.mkey', 'r.bucket'],
}
export interface ConsensusRow extends MinuteCounts {
  mkey: number
  net: number
  bucket: number
}

const IN_CHUNK = 500
/**
 * Reads of the rollup tiers. Every query is a primary-key range per key (series or monitor), so
 * its cost depends on the window and the number of series, never on how much history is stored.
 */
export class RollupsRepository {
  constructor(
    private db: Kysely<DB>,
    /** Folds acknowledged results still queued (SQLite), so every read sees them. */
    private settle: () => Promise<void> = async () => {},
  ) {}

  /**
   * How to read [fromMs, toMs) from the tiers (`cover`), using the week and 4-week rows that are
   * built and clean: a long window reads a bounded number of rows per series.
   */
  async coverPlan(fromMs: number, toMs: number, nowMs: number): Promise<CoverPlan> {
    // No week fits a shorter window: no need to ask what is built.
    if (toMs - fromMs < COARSE_MINUTES['1w'] * MINUTE_MS) return cover(fromMs, toMs, nowMs)
    return cover(fromMs, toMs, nowMs, await new CoarseRepository(this.db).availability())
  }

  /** Rollup rows of these series in [from, to) bucket minutes of one tier. */
  async seriesRows(
    skeys: readonly number[],
    tier: ReadTier,
    from: number,
    to: number,
    opts: { hist?: boolean } = {},
  ): Promise<RollupRow[]> {
    if (skeys.length === 0 || to <= from) return []
    await this.settle()
    const cols = [
      'skey',
      'bucket',
      'n',
      'up',
      'degraded',
      'down',
      'maint',
      'lat_sum',
      'lat_min',
      'lat_max',
      'lat_sq',
      'ph_n',
      'ph_dns',
      'ph_connect',
      'ph_tls',
      'ph_ttfb',
      'ph_transfer',
    ] as const
    const out: RollupRow[] = []
    for (let i = 0; i < skeys.length; i += IN_CHUNK) {
      const q = this.db
        .selectFrom(rollupTable(tier) as 'ts_rollup_1m')
        .select(cols)
        .where('skey', 'in', skeys.slice(i, i + IN_CHUNK))
        .where('bucket', '>=', from)
        .where('bucket', '<', to)
      const rows = opts.hist ? await q.select('hist').execute() : await q.execute()
      for (const r of rows) out.push({ hist: new Uint8Array(), ...r })
    }
    return out
  }

  /**
   * Sums rollup rows in SQL, one row per group: what reads need without materialising a row per
   * series and bucket. Histograms are merged by SQLite's `wiu_hist_sum` aggregate; PostgreSQL
   * returns the blobs of the group (two narrow columns) and they are merged here.
   */
  async sums(
    skeys: readonly number[],
    tier: ReadTier,
    from: number,
    to: number,
    group: SumGroup,
    opts: { hist?: boolean } = {},
  ): Promise<SumRow[]> {
    if (skeys.length === 0 || to <= from) return []
    await this.settle()
    const pg = isPostgres(this.db)
    const table = sql.table(rollupTable(tier))
    const cols = GROUP_COLS[group]
    const keyCols = sql.join(
      cols.map((c) => sql.raw(c)),
      sql`, `,
    )
    const join = group.startsWith('mkey') ? sql`join ts_series s on s.skey = r.skey` : sql``
    const out: SumRow[] = []
    const byKey = new Map<string, SumRow>()
    const keyOf = (r: { skey?: number; mkey?: number; bucket?: number }) =>
      `${r.skey ?? r.mkey ?? ''}:${r.bucket ?? ''}`
    for (let i = 0; i < skeys.length; i += IN_CHUNK) {
      const chunk = skeys.slice(i, i + IN_CHUNK)
      const where = sql`r.skey in (${sql.join(chunk)}) and r.bucket >= ${from} and r.bucket < ${to}`
      // SQLite merges histograms in SQL (`wiu_hist_sum`, measured faster there than narrow rows merged in
      // JS); PostgreSQL has no such aggregate and returns the blobs, merged below.
      const hist = opts.hist && !pg ? sql`, wiu_hist_sum(r.hist) as hist` : sql``
      const { rows } = await sql<SumRow>`select ${keyCols}, ${sql.join(
        SUMMED.map((c) => sql`sum(${sql.ref(`r.${c}`)}) as ${sql.ref(c)}`),
        sql`, `,
      )}, min(r.lat_min) as lat_min, max(r.lat_max) as lat_max ${hist}
        from ${table} r ${join} where ${where} group by ${keyCols}`.execute(this.db)
      for (const r of rows) {
        const row = r
        row.hist ??= null
        // Chunks of keys never split a group by series; groups by bucket may span chunks.
        const k = keyOf(row)
        const prev = byKey.get(k)
        if (prev) mergeSums(prev, row)
        else {
          byKey.set(k, row)
          out.push(row)
        }
      }
      if (opts.hist && pg) {
        // Narrow rows (group keys + blob), merged into one dense histogram per group.
        const { rows: hs } = await sql<{ skey?: number; mkey?: number; bucket?: number; hist: Uint8Array }>`
          select ${keyCols}, r.hist from ${table} r ${join} where ${where}`.execute(this.db)
        const dense = new Map<string, Histogram>()
        for (const h of hs) {
          const k = keyOf(h)
          let d = dense.get(k)
          if (!d) {
            d = newHistogram()
            dense.set(k, d)
          }
          decodeInto(d, h.hist)
        }
        for (const [k, d] of dense) {
          const row = byKey.get(k)
          if (row) row.hist = row.hist ? mergeEncoded(row.hist, encode(d)) : encode(d)
        }
      }
    }
    return out
  }

  /** Latency sums per series and bucket (narrow rows: sparklines). */
  async latencySums(
    skeys: readonly number[],
    tier: ReadTier,
    from: number,
    to: number,
  ): Promise<{ skey: number; bucket: number; lat_sum: number; n: number }[]> {
    await this.settle()
    const out: { skey: number; bucket: number; lat_sum: number; n: number }[] = []
    for (let i = 0; i < skeys.length; i += IN_CHUNK) {
      const { rows } = await sql<{ skey: number; bucket: number; lat_sum: number; n: number }>`
        select skey, bucket, lat_sum, up + degraded as n from ${sql.table(rollupTable(tier))}
        where skey in (${sql.join(skeys.slice(i, i + IN_CHUNK))}) and bucket >= ${from} and bucket < ${to}`.execute(
        this.db,
      )
      out.push(...rows)
    }
    return out
  }

  /** Sums over every segment of a cover plan, per group (bucket groups keep each tier's buckets). */
  async sumsForPlan(
    skeys: readonly number[],
    segments: readonly Segment[],
    group: 'skey' | 'mkey',
    opts: { hist?: boolean } = {},
  ): Promise<SumRow[]> {
    const parts = await Promise.all(segments.map((s) => this.sums(skeys, s.tier, s.from, s.to, group, opts)))
    const byKey = new Map<number, SumRow>()
    for (const r of parts.flat()) {
      const k = group === 'skey' ? r.skey : r.mkey
      const prev = byKey.get(k)
      if (prev) mergeSums(prev, r)
      else byKey.set(k, { ...r })
    }
    return [...byKey.values()]
  }

  /** Rollup rows for every segment of a cover plan. */
  async seriesRowsForPlan(
    skeys: readonly number[],
    segments: readonly Segment[],
    opts: { hist?: boolean } = {},
  ): Promise<RollupRow[]> {
    const parts = await Promise.all(segments.map((s) => this.seriesRows(skeys, s.tier, s.from, s.to, opts)))
    return parts.flat()
  }

  /**
   * Consensus minutes summed in SQL per (monitor, network type[, bucket]). `net in (0, 1)` names
   * the middle key column so both engines seek (monitor, net, bucket range) instead of scanning
   * every bucket of the monitor. Minute rows hold a
   * state (best rank | maintenance bit) that is classified here; hour and day rows hold counts.
   */
  async consensusRows(
    mkeys: readonly number[],
    tier: ReadTier,
    from: number,
    to: number,
    opts: { byBucket?: boolean } = { byBucket: true },
  ): Promise<ConsensusRow[]> {
    if (mkeys.length === 0 || to <= from) return []
    await this.settle()
    const out: ConsensusRow[] = []
    const bucket = opts.byBucket ? sql`bucket` : sql`0`
    // (mkey, net, bucket) is the key: per bucket each row stands alone, no grouping (a 30-day chart
    // would otherwise sort 720 rows through a temporary b-tree to "group" rows that are unique).
    const groupBy = opts.byBucket ? sql`` : sql`group by mkey, net`
    const agg = (e: ReturnType<typeof sql>) => (opts.byBucket ? e : sql`sum(${e})`)
    const counts =
      tier === '1m'
        ? sql`${agg(sql`case when (state & 4) = 0 and (state & 3) = 3 then 1 else 0 end`)} as up,
              ${agg(sql`case when (state & 4) = 0 and (state & 3) = 2 then 1 else 0 end`)} as degraded,
              ${agg(sql`case when (state & 4) = 0 and (state & 3) = 1 then 1 else 0 end`)} as down,
              ${agg(sql`case when (state & 4) <> 0 then 1 else 0 end`)} as maint`
        : sql`${agg(sql`up`)} as up, ${agg(sql`degraded`)} as degraded, ${agg(sql`down`)} as down, ${agg(sql`maint`)} as maint`
    for (let i = 0; i < mkeys.length; i += IN_CHUNK) {
      const chunk = mkeys.slice(i, i + IN_CHUNK)
      const { rows } = await sql<ConsensusRow>`select mkey, net, ${bucket} as bucket, ${counts}
        from ${sql.table(`ts_consensus_${tier}`)}
        where mkey in (${sql.join(chunk)}) and net in (0, 1) and bucket >= ${from} and bucket < ${to}
        ${groupBy}`.execute(this.db)
      for (const r of rows)
        out.push({
          mkey: r.mkey,
          net: r.net,
          bucket: Number(r.bucket),
          up: Number(r.up),
          degraded: Number(r.degraded),
          down: Number(r.down),
          maint: Number(r.maint),
        })
    }
    return out
  }

  /**
   * Chart hours of these monitors in [from, to) bucket minutes, live from the hour tiers (every
   * series of each monitor summed per hour): per monitor, oldest first. `p95` merges histograms.
   */
  async liveChartHours(
    mkeys: readonly number[],
    from: number,
    to: number,
    opts: { p95: boolean; skeys?: readonly number[] },
  ): Promise<Map<number, ChartHour[]>> {
    const out = new Map<number, ChartHour[]>()
    if (mkeys.length === 0 || to <= from) return out
    // Every series of these monitors (callers that know them pass them).
    const skeys: number[] = opts.skeys ? [...opts.skeys] : []
    for (let i = 0; !opts.skeys && i < mkeys.length; i += IN_CHUNK) {
      const rows = await this.db
        .selectFrom('ts_series')
        .select('skey')
        .where('mkey', 'in', mkeys.slice(i, i + IN_CHUNK))
        .execute()
      for (const r of rows) skeys.push(r.skey)
    }
    const [sums, cons] = await Promise.all([
      this.sums(skeys, '1h', from, to, 'mkey_bucket', { hist: opts.p95 }),
      this.consensusRows(mkeys, '1h', from, to),
    ])
    const consOf = new Map<string, ConsensusRow[]>()
    for (const c of cons) {
      const k = `${c.mkey}:${c.bucket}`
      const l = consOf.get(k)
      if (l) l.push(c)
      else consOf.set(k, [c])
    }
    for (const r of sums.sort((a, b) => a.bucket - b.bucket)) {
      const h = chartHourOf(r, consOf.get(`${r.mkey}:${r.bucket}`) ?? [])
      const l = out.get(r.mkey)
      if (l) l.push(h)
      else out.set(r.mkey, [h])
    }
    return out
  }

  /**
   * Chart hours of one monitor (`skeys`: all its series) in [from, to) bucket minutes: the days
   * built and clean from their stored chart days (one row a day), the others (today, days not
   * built yet or written to late) live from the hour tiers. Both give the same hours.
   */
  async chartHours(
    mkey: number,
    skeys: readonly number[],
    from: number,
    to: number,
    opts: { p95: boolean },
  ): Promise<ChartHour[]> {
    const avail = await new CoarseRepository(this.db).availability()
    const built = avail.built.chart_1h ?? Number.NEGATIVE_INFINITY
    // Consecutive days of one kind are one range; ranges are in time order, so are their hours.
    const ranges: { lo: number; hi: number; stored: boolean }[] = []
    for (let d = Math.floor(from / 1440) * 1440; d < to; d += 1440) {
      const lo = Math.max(d, from)
      const hi = Math.min(d + 1440, to)
      const stored = d + 1440 <= built && !avail.dirty.has(`chart_1h:${d}`)
      const last = ranges[ranges.length - 1]
      if (last && last.stored === stored) last.hi = hi
      else ranges.push({ lo, hi, stored })
    }
    const parts = await Promise.all(
      ranges.map(async (r) =>
        r.stored
          ? this.storedChartHours(mkey, r.lo, r.hi)
          : ((await this.liveChartHours([mkey], r.lo, r.hi, { ...opts, skeys })).get(mkey) ?? []),
      ),
    )
    return parts.length === 1 ? (parts[0] as ChartHour[]) : parts.flat()
  }

  /** Chart hours of one monitor in [from, to) bucket minutes from its stored chart days. */
  async storedChartHours(mkey: number, from: number, to: number): Promise<ChartHour[]> {
    if (to <= from) return []
    await this.settle()
    const rows = await this.db
      .selectFrom('ts_chart_1h')
      .select(['bucket', 'data'])
      .where('mkey', '=', mkey)
      .where('bucket', '>=', Math.floor(from / 1440) * 1440)
      .where('bucket', '<', to)
      .orderBy('bucket')
      .execute()
    const out: ChartHour[] = []
    for (const r of rows) decodeChartDay(r.data, Number(r.bucket), from, to, out)
    return out
  }

  /** Minute totals per (monitor, network type) over a cover plan. */
  async consensusTotals(
    mkeys: readonly number[],
    segments: readonly Segment[],
  ): Promise<Map<number, { external: MinuteCounts; internal: MinuteCounts }>> {
    const out = new Map<number, { external: MinuteCounts; internal: MinuteCounts }>()
    for (const m of mkeys) out.set(m, { external: newCounts(), internal: newCounts() })
    const parts = await Promise.all(
      segments.map((s) => this.consensusRows(mkeys, s.tier, s.from, s.to, { byBucket: false })),
    )
    for (const r of parts.flat()) {
      const t = out.get(r.mkey)
      if (!t) continue
      addCounts(r.net === 1 ? t.internal : t.external, r)
    }
    return out
  }
}

/** A summed row and its consensus rows → a chart hour (the p95 bucket only if the row has a histogram). */
export function chartHourOf(r: SumRow, cons: readonly ConsensusRow[]): ChartHour {
  const internal = newCounts()
  const external = newCounts()
  for (const c of cons) addCounts(c.net === 1 ? internal : external, c)
  const { lat_sq: _, ...sums } = sumValues(r)
  return {
    ...sums,
    bucket: Number(r.bucket),
    p95: r.hist && r.hist.length > 0 ? percentileBucket(decodeInto(newHistogram(), r.hist), 0.95) : null,
    internal,
    external,
  }
}

/** A summed row's values as numbers (PostgreSQL returns sums of bigint columns as strings). */
export function sumValues(r: SumRow): Omit<RollupTable, 'skey' | 'bucket' | 'hist'> {
  const out = {} as Omit<RollupTable, 'skey' | 'bucket' | 'hist'>
  for (const c of SUMMED) out[c] = Number(r[c])
  out.lat_min = r.lat_min === null ? null : Number(r.lat_min)
  out.lat_max = r.lat_max === null ? null : Number(r.lat_max)
  return out
}

function mergeSums(into: SumRow, r: SumRow): void {
  for (const c of SUMMED) into[c] = Number(into[c]) + Number(r[c])
  if (r.lat_min !== null) into.lat_min = into.lat_min === null ? r.lat_min : Math.min(into.lat_min, r.lat_min)
  if (r.lat_max !== null) into.lat_max = into.lat_max === null ? r.lat_max : Math.max(into.lat_max, r.lat_max)
  into.hist = mergeEncoded(into.hist, r.hist)
}
