import type SQLite from 'better-sqlite3'
import type { Kysely } from 'kysely'
import { sqliteHandle } from '../db.js'
import type { DB } from '../schema.js'
import type { Tier } from '../timeseries/buckets.js'
import { encodeHist, type RollupStats } from '../timeseries/rollup.js'
import { ADDITIVE_ROLLUP_COLS, type ConsensusDelta, type RollupGroup } from './rollup-writer.js'

export interface RawRow {
  skey: number
  at: number
  code: number
  lat: number
  tm: Uint8Array | null
}

/**
 * The writes of one ingestion transaction. Two implementations of the same contract: PostgreSQL
 * (`pg-writer.ts`: `unnest` statements, several steps' writes in one where they can, histograms
 * read-merged-written under the series' advisory locks) and SQLite (cached single-row prepared statements on the connection,
 * no query compilation per batch, histograms merged in SQL by `wiu_hist_merge`). The rollup
 * tests run both through the same assertions.
 */
export interface TsWriter {
  /**
   * The (probe, batch) idempotency key, false when this batch was stored before; a new batch also
   * sets the probe's `last_seen_at` to `at`, in the batch's own transaction.
   */
  claimBatch(probeId: string, batchId: string, at: number): Promise<boolean>
  /** Series locks (rollups) first, then monitor locks (consensus): see `rollup-writer.ts`. */
  lockSeries(skeys: readonly number[]): Promise<void>
  lockMonitors(mkeys: readonly number[]): Promise<void>
  /** Current states of these (monitor, minute) pairs, keyed `mkey:minute`. */
  consensusStates(pairs: readonly { mkey: number; minute: number }[], net: number): Promise<Map<string, number>>
  /** Inserts new rows, skipping ones already stored; returns the `skey:at` keys inserted. */
  insertResults(rows: readonly RawRow[]): Promise<Set<string>>
  insertDetails(rows: readonly { skey: number; at: number; detail: string }[]): Promise<void>
  /** Adds groups to the rollup tiers (upserts that add; histograms merged). */
  addRollups(tiers: readonly { tier: Tier; groups: readonly RollupGroup[] }[]): Promise<void>
  /** Sets consensus minutes' states and adds minute-count deltas to the hour and day rows. */
  writeConsensus(c: {
    minutes: readonly { mkey: number; net: number; bucket: number; state: number }[]
    hours: readonly ConsensusDelta[]
    days: readonly ConsensusDelta[]
  }): Promise<void>
}

export const ROLLUP_COLS = [
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
  'hist',
] as const

/** One rollup row's values in `ROLLUP_COLS` order (a `?` each): ingestion's upsert, the benchmark's loader. */
export const rollupParams = (skey: number, bucket: number, a: RollupStats, hist: Buffer | null) => [
  skey,
  bucket,
  a.n,
  a.up,
  a.degraded,
  a.down,
  a.maint,
  a.latSum,
  a.latMin,
  a.latMax,
  a.latSq,
  a.phN,
  a.ph[0] ?? 0,
  a.ph[1] ?? 0,
  a.ph[2] ?? 0,
  a.ph[3] ?? 0,
  a.ph[4] ?? 0,
  hist,
]

function prepareAll(h: SQLite.Database) {
  const rollup = (tier: Tier) =>
    h.prepare(
      `insert into ts_rollup_${tier} (${ROLLUP_COLS.join(', ')}) values (${ROLLUP_COLS.map(() => '?').join(', ')})
       on conflict (skey, bucket) do update set ${ADDITIVE_ROLLUP_COLS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
       lat_min = case when lat_min is null or excluded.lat_min < lat_min then excluded.lat_min else lat_min end,
       lat_max = case when lat_max is null or excluded.lat_max > lat_max then excluded.lat_max else lat_max end,
       hist = wiu_hist_merge(hist, excluded.hist)`,
    )
  const consensus = (tier: '1h' | '1d') =>
    h.prepare(
      `insert into ts_consensus_${tier} (mkey, net, bucket, up, degraded, down, maint) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (mkey, net, bucket) do update set up = up + excluded.up, degraded = degraded + excluded.degraded,
       down = down + excluded.down, maint = maint + excluded.maint`,
    )
  return {
    claim: h.prepare(
      'insert into probe_batches (probe_id, batch_id, received_at) values (?, ?, ?) on conflict (probe_id, batch_id) do nothing',
    ),
    touch: h.prepare('update probes set last_seen_at = ? where id = ?'),
    state: h.prepare('select state from ts_consensus_1m where mkey = ? and net = ? and bucket = ?').pluck(),
    result: h.prepare(
      'insert into ts_results (skey, at, code, lat, tm) values (?, ?, ?, ?, ?) on conflict (skey, at) do nothing',
    ),
    detail: h.prepare(
      'insert into ts_result_details (skey, at, detail) values (?, ?, ?) on conflict (skey, at) do nothing',
    ),
    rollup: { '1m': rollup('1m'), '1h': rollup('1h'), '1d': rollup('1d') },
    minute: h.prepare(
      'insert into ts_consensus_1m (mkey, net, bucket, state) values (?, ?, ?, ?) on conflict (mkey, net, bucket) do update set state = excluded.state',
    ),
    consensus: { '1h': consensus('1h'), '1d': consensus('1d') },
  }
}
/** better-sqlite3 binds Buffers as blobs: wrap without copying. */
const blob = (u: Uint8Array | null): Buffer | null =>
  u === null ? null : Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)

const prepared = new WeakMap<SQLite.Database, ReturnType<typeof prepareAll>>()

/** SQLite: null when the Kysely instance is not backed by better-sqlite3. */
export function sqliteWriter(db: Kysely<DB>): TsWriter | null {
  const h = sqliteHandle(db)
  if (!h) return null
  let st = prepared.get(h)
  if (!st) {
    st = prepareAll(h)
    prepared.set(h, st)
  }
  const s = st
  return {
    async claimBatch(probeId, batchId, at) {
      if (s.claim.run(probeId, batchId, at).changes !== 1) return false
      s.touch.run(at, probeId)
      return true
    },
    async lockSeries() {},
    async lockMonitors() {},
    async consensusStates(pairs, net) {
      const out = new Map<string, number>()
      for (const p of pairs) {
        const v = s.state.get(p.mkey, net, p.minute) as number | undefined
        if (v !== undefined) out.set(`${p.mkey}:${p.minute}`, v)
      }
      return out
    },
    async insertResults(rows) {
      const inserted = new Set<string>()
      for (const r of rows)
        if (s.result.run(r.skey, r.at, r.code, r.lat, blob(r.tm)).changes === 1) inserted.add(`${r.skey}:${r.at}`)
      return inserted
    },
    async insertDetails(rows) {
      for (const r of rows) s.detail.run(r.skey, r.at, r.detail)
    },
    async addRollups(tiers) {
      for (const { tier, groups } of tiers) {
        const stmt = s.rollup[tier]
        for (const g of groups) stmt.run(rollupParams(g.skey, g.bucket, g.acc, blob(encodeHist(g.acc))))
      }
    },
    async writeConsensus({ minutes, hours, days }) {
      for (const r of minutes) s.minute.run(r.mkey, r.net, r.bucket, r.state)
      for (const [stmt, deltas] of [
        [s.consensus['1h'], hours],
        [s.consensus['1d'], days],
      ] as const)
        for (const d of deltas) stmt.run(d.mkey, d.net, d.bucket, d.up, d.degraded, d.down, d.maint)
    },
  }
}
