import { type Kysely, PostgresAdapter, sql } from 'kysely'
import type { DB } from '../schema.js'
import type { ReadTier, Tier } from '../timeseries/buckets.js'
import { encodeHist, type MinuteCounts, type PointAcc } from '../timeseries/rollup.js'
import { numArray } from './pg-arrays.js'

/**
 * The rollup columns that add up across rows (every one but the min/max bounds and the histogram):
 * what an upsert adds to and what a read over buckets sums.
 */
export const ADDITIVE_ROLLUP_COLS = [
  'n',
  'up',
  'degraded',
  'down',
  'maint',
  'lat_sum',
  'lat_sq',
  'ph_n',
  'ph_dns',
  'ph_connect',
  'ph_tls',
  'ph_ttfb',
  'ph_transfer',
] as const

/**
 * Portable SQL for writing rollups from scratch (the rebuild command, the benchmark's loader) and
 * the per-monitor write lock. Incremental maintenance at ingestion lives in the dialect writers
 * (`ts-writer.ts` for SQLite, `pg-writer.ts` for PostgreSQL).
 */
export type RollupTableName = `ts_rollup_${ReadTier}`
export const rollupTable = (tier: ReadTier): RollupTableName => `ts_rollup_${tier}`
export const consensusTable = (tier: Exclude<ReadTier, '1m'>) => `ts_consensus_${tier}` as const

/** Rows per statement: below both engines' bound-parameter limits (19 columns a row). */
const CHUNK = 1000

export const isPostgres = (db: Kysely<DB>): boolean => db.getExecutor().adapter instanceof PostgresAdapter

/**
 * Write locks across replicas on PostgreSQL: transaction-scoped advisory locks, in two spaces.
 * A series (one probe's view of one monitor) is locked while its rollups are read-merged-written;
 * a monitor while its consensus minutes (shared by all its probes) are. A transaction takes every
 * series lock it needs before any monitor lock, each set in key order, so two batches cannot
 * deadlock, and batches of different probes only wait for each other on the consensus step.
 * SQLite has a single writer already.
 */
const LOCK_SPACE = { monitor: 0x57495500, series: 0x57495501, coarse: 0x57495502 } as const
async function lockKeys(tx: Kysely<DB>, space: keyof typeof LOCK_SPACE, keys: readonly number[]): Promise<void> {
  if (!isPostgres(tx) || keys.length === 0) return
  const sorted = [...new Set(keys)].sort((a, b) => a - b)
  await sql`select pg_advisory_xact_lock(${LOCK_SPACE[space]}, k) from (select unnest(${numArray(sorted)}::int[]) as k order by 1) s`.execute(
    tx,
  )
}
export const lockSeries = (tx: Kysely<DB>, skeys: readonly number[]) => lockKeys(tx, 'series', skeys)
export const lockMonitors = (tx: Kysely<DB>, mkeys: readonly number[]) => lockKeys(tx, 'monitor', mkeys)
/**
 * The coarse tiers' claim (jobs/coarse-rollups.ts): a transaction that writes day rows of a closed
 * period holds it shared from reading `claimed_through` to its commit; the job advances the claim
 * holding it exclusively, so no such write can fall between the claim and the build unflagged.
 */
export async function lockCoarseClaim(tx: Kysely<DB>, mode: 'shared' | 'exclusive'): Promise<void> {
  if (!isPostgres(tx)) return
  await (mode === 'shared'
    ? sql`select pg_advisory_xact_lock_shared(${LOCK_SPACE.coarse}, 0)`
    : sql`select pg_advisory_xact_lock(${LOCK_SPACE.coarse}, 0)`
  ).execute(tx)
}
/**
 * Coarse builds, one transaction at a time across replicas (each replica's storage job may run
 * one): a chunk is read and written under it, so the last write of a row is from the latest read.
 */
export async function lockCoarseBuild(tx: Kysely<DB>): Promise<void> {
  if (isPostgres(tx)) await sql`select pg_advisory_xact_lock(${LOCK_SPACE.coarse}, 1)`.execute(tx)
}

export interface RollupGroup {
  skey: number
  bucket: number
  acc: PointAcc
}

const toRow = (g: RollupGroup, hist: Uint8Array) => ({
  skey: g.skey,
  bucket: g.bucket,
  n: g.acc.n,
  up: g.acc.up,
  degraded: g.acc.degraded,
  down: g.acc.down,
  maint: g.acc.maint,
  lat_sum: g.acc.latSum,
  lat_min: g.acc.latMin,
  lat_max: g.acc.latMax,
  lat_sq: g.acc.latSq,
  ph_n: g.acc.phN,
  ph_dns: g.acc.ph[0] ?? 0,
  ph_connect: g.acc.ph[1] ?? 0,
  ph_tls: g.acc.ph[2] ?? 0,
  ph_ttfb: g.acc.ph[3] ?? 0,
  ph_transfer: g.acc.ph[4] ?? 0,
  hist: Buffer.from(hist),
})

/** Plain inserts of freshly computed rows (rebuild, after deleting the range). */
export async function insertRollups(tx: Kysely<DB>, tier: Tier, groups: readonly RollupGroup[]): Promise<void> {
  const rows = groups.map((g) => toRow(g, encodeHist(g.acc)))
  for (let i = 0; i < rows.length; i += CHUNK)
    await tx
      .insertInto(rollupTable(tier) as 'ts_rollup_1m')
      .values(rows.slice(i, i + CHUNK))
      .execute()
}

export interface ConsensusDelta extends MinuteCounts {
  mkey: number
  net: number
  bucket: number
}

/** Adds (possibly negative) minute-count deltas: a minute moving from down to up is −1 down, +1 up. */
export async function addConsensus(
  tx: Kysely<DB>,
  tier: '1h' | '1d',
  deltas: readonly ConsensusDelta[],
  mode: 'add' | 'insert' = 'add',
): Promise<void> {
  const table = consensusTable(tier)
  const add = (c: string) => sql<number>`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const q = tx.insertInto(table as 'ts_consensus_1h').values(deltas.slice(i, i + CHUNK))
    await (mode === 'insert'
      ? q
      : q.onConflict((oc) =>
          oc
            .columns(['mkey', 'net', 'bucket'])
            .doUpdateSet({ up: add('up'), degraded: add('degraded'), down: add('down'), maint: add('maint') }),
        )
    ).execute()
  }
}

export async function putConsensusMinutes(
  tx: Kysely<DB>,
  rows: readonly { mkey: number; net: number; bucket: number; state: number }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK * 4) {
    await tx
      .insertInto('ts_consensus_1m')
      .values(rows.slice(i, i + CHUNK * 4))
      .onConflict((oc) => oc.columns(['mkey', 'net', 'bucket']).doUpdateSet({ state: sql.ref('excluded.state') }))
      .execute()
  }
}
