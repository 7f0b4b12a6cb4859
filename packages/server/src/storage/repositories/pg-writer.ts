import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'
import type { Tier } from '../timeseries/buckets.js'
import { decodeInto, encode } from '../timeseries/histogram.js'
import { encodeHist, toRollupAcc } from '../timeseries/rollup.js'
import { byteaArray, numArray, textArray } from './pg-arrays.js'
import {
  ADDITIVE_ROLLUP_COLS,
  consensusTable,
  lockMonitors,
  lockSeries,
  type RollupGroup,
  rollupTable,
} from './rollup-writer.js'
import type { TsWriter } from './ts-writer.js'

/**
 * The ingestion writes on PostgreSQL: every statement takes one array per column through
 * `unnest`, so a 500-result batch is a handful of small statements to parse and plan (a VALUES
 * list of 500 × 18 parameters costs more to plan than to run). Histograms are read, merged and
 * written back under the monitors' advisory locks (taken first by the caller). The arrays go as
 * literals built by `pg-arrays.ts`.
 */
export function pgWriter(tx: Kysely<DB>): TsWriter {
  return {
    async claimBatch(probeId, batchId, at) {
      const { rows } = await sql<{ n: number }>`insert into probe_batches (probe_id, batch_id, received_at)
        values (${probeId}, ${batchId}, ${at}) on conflict (probe_id, batch_id) do nothing returning 1 as n`.execute(tx)
      return rows.length === 1
    },
    async touchProbe(probeId, at) {
      await sql`update probes set last_seen_at = ${at} where id = ${probeId}`.execute(tx)
    },
    lockSeries: (skeys) => lockSeries(tx, skeys),
    lockMonitors: (mkeys) => lockMonitors(tx, mkeys),
    async consensusStates(pairs, net) {
      const out = new Map<string, number>()
      if (pairs.length === 0) return out
      const { rows } = await sql<{ mkey: number; bucket: number; state: number }>`
        select c.mkey, c.bucket, c.state from ts_consensus_1m c
        join unnest(${numArray(pairs.map((p) => p.mkey))}::int4[], ${numArray(pairs.map((p) => p.minute))}::int4[]) as k(mkey, bucket)
          on c.mkey = k.mkey and c.net = ${net} and c.bucket = k.bucket`.execute(tx)
      for (const r of rows) out.set(`${r.mkey}:${r.bucket}`, r.state)
      return out
    },
    async insertResults(rows) {
      const inserted = new Set<string>()
      if (rows.length === 0) return inserted
      const { rows: out } = await sql<{ skey: number; at: number }>`
        insert into ts_results (at, skey, lat, code, tm)
        select * from unnest(${numArray(rows.map((r) => r.at))}::int8[], ${numArray(rows.map((r) => r.skey))}::int4[],
          ${numArray(rows.map((r) => r.lat))}::int4[], ${numArray(rows.map((r) => r.code))}::int2[], ${byteaArray(rows.map((r) => r.tm))}::bytea[])
        on conflict (skey, at) do nothing returning skey, at`.execute(tx)
      for (const r of out) inserted.add(`${r.skey}:${r.at}`)
      return inserted
    },
    async insertDetails(rows) {
      if (rows.length === 0) return
      await sql`insert into ts_result_details (skey, at, detail)
        select * from unnest(${numArray(rows.map((r) => r.skey))}::int4[], ${numArray(rows.map((r) => r.at))}::int8[],
          ${textArray(rows.map((r) => r.detail))}::text[])
        on conflict (skey, at) do nothing`.execute(tx)
    },
    async addRollups(tier: Tier, groups) {
      if (groups.length === 0) return
      const table = sql.table(rollupTable(tier))
      const col = (f: (g: RollupGroup) => number | null, of: readonly RollupGroup[]) => numArray(of.map(f))
      const values = (of: readonly RollupGroup[], hists: Uint8Array[]) => sql`
        select * from unnest(${col((g) => g.skey, of)}::int4[], ${col((g) => g.bucket, of)}::int4[], ${col((g) => g.acc.n, of)}::int4[],
          ${col((g) => g.acc.up, of)}::int4[], ${col((g) => g.acc.degraded, of)}::int4[], ${col((g) => g.acc.down, of)}::int4[],
          ${col((g) => g.acc.maint, of)}::int4[], ${col((g) => g.acc.latSum, of)}::int8[], ${col((g) => g.acc.latMin, of)}::int4[],
          ${col((g) => g.acc.latMax, of)}::int4[], ${col((g) => g.acc.latSq, of)}::float8[], ${col((g) => g.acc.phN, of)}::int4[],
          ${col((g) => g.acc.ph[0] ?? 0, of)}::int8[], ${col((g) => g.acc.ph[1] ?? 0, of)}::int8[], ${col((g) => g.acc.ph[2] ?? 0, of)}::int8[],
          ${col((g) => g.acc.ph[3] ?? 0, of)}::int8[], ${col((g) => g.acc.ph[4] ?? 0, of)}::int8[], ${byteaArray(hists)}::bytea[])`
      const COLS = sql`(skey, bucket, n, up, degraded, down, maint, lat_sum, lat_min, lat_max, lat_sq,
          ph_n, ph_dns, ph_connect, ph_tls, ph_ttfb, ph_transfer, hist)`
      let rest: readonly RollupGroup[] = groups
      if (tier === '1m') {
        // A minute bucket is nearly always new: insert outright, and merge only the few that exist
        // (a late or replayed result) instead of first reading every bucket of the batch.
        const { rows: added } = await sql<{ skey: number; bucket: number }>`insert into ${table} ${COLS}
          ${values(
            groups,
            groups.map((g) => encodeHist(g.acc)),
          )}
          on conflict (skey, bucket) do nothing returning skey, bucket`.execute(tx)
        if (added.length === groups.length) return
        const done = new Set(added.map((a) => `${a.skey}:${a.bucket}`))
        rest = groups.filter((g) => !done.has(`${g.skey}:${g.bucket}`))
      }
      const { rows: prev } = await sql<{ skey: number; bucket: number; hist: Uint8Array }>`
        select r.skey, r.bucket, r.hist from ${table} r
        join unnest(${numArray(rest.map((g) => g.skey))}::int4[], ${numArray(rest.map((g) => g.bucket))}::int4[]) as k(skey, bucket)
          on r.skey = k.skey and r.bucket = k.bucket`.execute(tx)
      const existing = new Map(prev.map((p) => [`${p.skey}:${p.bucket}`, p.hist]))
      const hists = rest.map((g) => {
        const old = existing.get(`${g.skey}:${g.bucket}`)
        if (!old) return encodeHist(g.acc)
        return encode(decodeInto(toRollupAcc(g.acc).hist, old))
      })
      const add = (c: string) => sql`${sql.raw(c)} = r.${sql.raw(c)} + excluded.${sql.raw(c)}`
      const bound = (c: string, op: '<' | '>') =>
        sql`${sql.raw(c)} = case when r.${sql.raw(c)} is null or excluded.${sql.raw(c)} ${sql.raw(op)} r.${sql.raw(c)}
          then excluded.${sql.raw(c)} else r.${sql.raw(c)} end`
      await sql`insert into ${table} as r ${COLS} ${values(rest, hists)}
        on conflict (skey, bucket) do update set ${sql.join(
          ADDITIVE_ROLLUP_COLS.map(add),
          sql`, `,
        )}, ${bound('lat_min', '<')}, ${bound('lat_max', '>')}, hist = excluded.hist`.execute(tx)
    },
    async putConsensusMinutes(rows) {
      if (rows.length === 0) return
      await sql`insert into ts_consensus_1m (mkey, net, bucket, state)
        select * from unnest(${numArray(rows.map((r) => r.mkey))}::int4[], ${numArray(rows.map((r) => r.net))}::int4[],
          ${numArray(rows.map((r) => r.bucket))}::int4[], ${numArray(rows.map((r) => r.state))}::int4[])
        on conflict (mkey, net, bucket) do update set state = excluded.state`.execute(tx)
    },
    async addConsensus(tier, deltas) {
      if (deltas.length === 0) return
      const d = (f: (x: (typeof deltas)[number]) => number) => numArray(deltas.map(f))
      await sql`insert into ${sql.table(consensusTable(tier))} as c (mkey, net, bucket, up, degraded, down, maint)
        select * from unnest(${d((x) => x.mkey)}::int4[], ${d((x) => x.net)}::int4[], ${d((x) => x.bucket)}::int4[],
          ${d((x) => x.up)}::int4[], ${d((x) => x.degraded)}::int4[], ${d((x) => x.down)}::int4[], ${d((x) => x.maint)}::int4[])
        on conflict (mkey, net, bucket) do update set up = c.up + excluded.up, degraded = c.degraded + excluded.degraded,
          down = c.down + excluded.down, maint = c.maint + excluded.maint`.execute(tx)
    },
  }
}
