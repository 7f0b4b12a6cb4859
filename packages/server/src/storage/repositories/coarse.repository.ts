import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'
import {
  BUILT_TIERS,
  type BuiltTier,
  COARSE_MINUTES,
  type CoarseAvailability,
  minuteOf,
  PERIOD_MINUTES,
  periodOf,
} from '../timeseries/buckets.js'
import { encodeChartDay } from '../timeseries/chart-hours.js'
import { consensusTable, lockCoarseBuild, lockCoarseClaim, rollupTable } from './rollup-writer.js'
import { RollupsRepository, sumValues } from './rollups.repository.js'

/**
 * A write into a day that ended less than this long ago (or ends within it) checks the claims:
 * the build job claims a period only `BUILD_DELAY_MIN` after it ends, so a transaction that skips
 * the check would have to last longer than both together to be missed.
 */
const CHECK_AHEAD_MIN = 120
export const BUILD_DELAY_MIN = 60

export interface CoarseState {
  claimed: number
  built: number
}
export interface DirtyPeriod {
  tier: BuiltTier
  bucket: number
  gen: number
}

const isBuilt = (t: string): t is BuiltTier => (BUILT_TIERS as readonly string[]).includes(t)

/**
 * Flags the built periods (chart days, weeks, 4-week periods) that a transaction's rollup writes
 * fall into, in that transaction: a period written to after its build is skipped by reads until
 * the job rebuilds it. Writes into open days (every routine batch but those of the day's last two
 * hours) return before any query.
 */
export async function flagLateWrites(tx: Kysely<DB>, atsMs: Iterable<number>, nowMs: number): Promise<void> {
  const horizon = minuteOf(nowMs) + CHECK_AHEAD_MIN
  const days = new Set<number>()
  for (const at of atsMs) {
    const day = Math.floor(minuteOf(at) / 1440) * 1440
    if (day + 1440 <= horizon) days.add(day)
  }
  if (days.size === 0) return
  await lockCoarseClaim(tx, 'shared')
  const state = await tx.selectFrom('ts_coarse_state').select(['tier', 'claimed_through']).execute()
  const flags = new Map<string, { tier: string; bucket: number; gen: number }>()
  for (const s of state) {
    if (!isBuilt(s.tier)) continue
    for (const d of days) {
      const p = periodOf(d, s.tier)
      if (p + PERIOD_MINUTES[s.tier] <= Number(s.claimed_through))
        flags.set(`${s.tier}:${p}`, { tier: s.tier, bucket: p, gen: 1 })
    }
  }
  if (flags.size === 0) return
  // Bumping the generation of a flag already there tells a rebuild in progress that it missed this.
  await tx
    .insertInto('ts_coarse_dirty')
    .values([...flags.values()].sort((a, b) => a.tier.localeCompare(b.tier) || a.bucket - b.bucket))
    .onConflict((oc) => oc.columns(['tier', 'bucket']).doUpdateSet({ gen: sql`ts_coarse_dirty.gen + 1` }))
    .execute()
}

const CHUNK = 500

/**
 * The built tiers' bookkeeping and builds (jobs/coarse-rollups.ts drives them). A week or 4-week
 * period's rows are the sums of its day rows per series (histograms merged) and per monitor and
 * network type (consensus minutes); a chart day's row is its monitor's hours summed over every
 * probe (timeseries/chart-hours.ts).
 */
export class CoarseRepository {
  constructor(
    private db: Kysely<DB>,
    private settle: () => Promise<void> = async () => {},
  ) {}

  async state(): Promise<Partial<Record<BuiltTier, CoarseState>>> {
    const rows = await this.db.selectFrom('ts_coarse_state').selectAll().execute()
    const out: Partial<Record<BuiltTier, CoarseState>> = {}
    for (const r of rows)
      if (isBuilt(r.tier)) out[r.tier] = { claimed: Number(r.claimed_through), built: Number(r.built_through) }
    return out
  }

  /** What reads may use: one query over two small tables. */
  async availability(): Promise<CoarseAvailability> {
    const { rows } = await sql<{ tier: string; built: number | null; bucket: number | null }>`
      select tier, built_through as built, null as bucket from ts_coarse_state
      union all select tier, null, bucket from ts_coarse_dirty`.execute(this.db)
    const built: CoarseAvailability['built'] = {}
    const dirty = new Set<string>()
    for (const r of rows) {
      if (!isBuilt(r.tier)) continue
      if (r.built !== null) built[r.tier] = Number(r.built)
      else dirty.add(`${r.tier}:${Number(r.bucket)}`)
    }
    return { built, dirty }
  }

  /**
   * Claims every period ending at or before `through`: from now on, writes into them flag them.
   * `built` starts a tier's state (where its first build begins).
   */
  async claim(tier: BuiltTier, through: number, built: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await lockCoarseClaim(tx, 'exclusive')
      await tx
        .insertInto('ts_coarse_state')
        .values({ tier, claimed_through: through, built_through: built })
        .onConflict((oc) =>
          oc.column('tier').doUpdateSet({
            claimed_through: sql`case when ts_coarse_state.claimed_through > excluded.claimed_through
              then ts_coarse_state.claimed_through else excluded.claimed_through end`,
          }),
        )
        .execute()
    })
  }

  /** Publishes periods up to `through`; never moves back (another replica may be further on). */
  async setBuilt(tier: BuiltTier, through: number): Promise<void> {
    await this.db
      .updateTable('ts_coarse_state')
      .set({ built_through: through })
      .where('tier', '=', tier)
      .where('built_through', '<', through)
      .execute()
  }

  async dirty(): Promise<DirtyPeriod[]> {
    const rows = await this.db.selectFrom('ts_coarse_dirty').selectAll().orderBy('tier').orderBy('bucket').execute()
    return rows
      .filter((r) => isBuilt(r.tier))
      .map((r) => ({ tier: r.tier as BuiltTier, bucket: Number(r.bucket), gen: Number(r.gen) }))
  }

  /** Clears a flag unless a write flagged the period again since `gen` was read. */
  async clearDirty(d: DirtyPeriod): Promise<boolean> {
    const r = await this.db
      .deleteFrom('ts_coarse_dirty')
      .where('tier', '=', d.tier)
      .where('bucket', '=', d.bucket)
      .where('gen', '=', d.gen)
      .executeTakeFirst()
    return Number(r.numDeletedRows) === 1
  }

  /**
   * Replaces one period's rows for a chunk of series and monitors with the sums of their day rows,
   * in one transaction. Returns the rows written.
   */
  async buildChunk(
    tier: BuiltTier,
    bucket: number,
    skeys: readonly number[],
    mkeys: readonly number[],
  ): Promise<number> {
    await this.settle()
    if (tier === 'chart_1h') return this.buildChartDays(bucket, mkeys)
    const end = bucket + COARSE_MINUTES[tier]
    return this.db.transaction().execute(async (tx) => {
      await lockCoarseBuild(tx)
      const reads = new RollupsRepository(tx)
      let written = 0
      if (skeys.length > 0) {
        await tx
          .deleteFrom(rollupTable(tier) as 'ts_rollup_1w')
          .where('skey', 'in', [...skeys])
          .where('bucket', '=', bucket)
          .execute()
        const sums = await reads.sums(skeys, '1d', bucket, end, 'skey', { hist: true })
        const rows = sums.map((r): DB['ts_rollup_1w'] => ({
          ...sumValues(r),
          skey: r.skey,
          bucket,
          hist: Buffer.from(r.hist ?? new Uint8Array()),
        }))
        for (let i = 0; i < rows.length; i += CHUNK)
          await tx
            .insertInto(rollupTable(tier) as 'ts_rollup_1w')
            .values(rows.slice(i, i + CHUNK))
            .execute()
        written += rows.length
      }
      if (mkeys.length > 0) {
        const table = consensusTable(tier) as 'ts_consensus_1w'
        await tx
          .deleteFrom(table)
          .where('mkey', 'in', [...mkeys])
          .where('bucket', '=', bucket)
          .execute()
        const totals = await reads.consensusRows(mkeys, '1d', bucket, end, { byBucket: false })
        const rows = totals
          .filter((c) => c.up + c.degraded + c.down + c.maint > 0)
          .map((c) => ({
            mkey: c.mkey,
            net: c.net,
            bucket,
            up: c.up,
            degraded: c.degraded,
            down: c.down,
            maint: c.maint,
          }))
        for (let i = 0; i < rows.length; i += CHUNK)
          await tx
            .insertInto(table)
            .values(rows.slice(i, i + CHUNK))
            .execute()
        written += rows.length
      }
      return written
    })
  }

  /** Replaces one day's chart rows of these monitors with their hours summed from the hour tiers. */
  private async buildChartDays(day: number, mkeys: readonly number[]): Promise<number> {
    if (mkeys.length === 0) return 0
    return this.db.transaction().execute(async (tx) => {
      await lockCoarseBuild(tx)
      const hours = await new RollupsRepository(tx).liveChartHours(mkeys, day, day + 1440, { p95: true })
      await tx
        .deleteFrom('ts_chart_1h')
        .where('mkey', 'in', [...mkeys])
        .where('bucket', '=', day)
        .execute()
      const rows = [...hours].map(([mkey, hs]) => ({ mkey, bucket: day, data: Buffer.from(encodeChartDay(hs, day)) }))
      for (let i = 0; i < rows.length; i += CHUNK)
        await tx
          .insertInto('ts_chart_1h')
          .values(rows.slice(i, i + CHUNK))
          .execute()
      return rows.length
    })
  }
}
