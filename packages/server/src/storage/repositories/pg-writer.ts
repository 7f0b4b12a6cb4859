import { type Kysely, type RawBuilder, sql } from 'kysely'
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
 * written back under the series' advisory locks (taken first by the caller). The arrays go as
 * literals built by `pg-arrays.ts`.
 */
export function pgWriter(tx: Kysely<DB>): TsWriter {
  return {
    async claimBatch(probeId, batchId, at) {
      // One round trip: the claim, and the probe's last_seen_at when the claim is new.
      const { rows } = await sql<{
        n: number
      }>`with claim as (insert into probe_batches (probe_id, batch_id, received_at)
          values (${probeId}, ${batchId}, ${at}) on conflict (probe_id, batch_id) do nothing returning 1 as n),
        seen as (update probes set last_seen_at = ${at} where id = ${probeId} and exists (select 1 from claim))
        select n from claim`.execute(tx)
      return rows.length === 1
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
    async addRollups(tiers) {
      const COLS = sql`(skey, bucket, n, up, degraded, down, maint, lat_sum, lat_min, lat_max, lat_sq,
          ph_n, ph_dns, ph_connect, ph_tls, ph_ttfb, ph_transfer, hist)`
      const col = (f: (g: RollupGroup) => number | null, of: readonly RollupGroup[]) => numArray(of.map(f))
      const values = (of: readonly RollupGroup[], hists: Uint8Array[]) => sql`
        select * from unnest(${col((g) => g.skey, of)}::int4[], ${col((g) => g.bucket, of)}::int4[], ${col((g) => g.acc.n, of)}::int4[],
          ${col((g) => g.acc.up, of)}::int4[], ${col((g) => g.acc.degraded, of)}::int4[], ${col((g) => g.acc.down, of)}::int4[],
          ${col((g) => g.acc.maint, of)}::int4[], ${col((g) => g.acc.latSum, of)}::int8[], ${col((g) => g.acc.latMin, of)}::int4[],
          ${col((g) => g.acc.latMax, of)}::int4[], ${col((g) => g.acc.latSq, of)}::float8[], ${col((g) => g.acc.phN, of)}::int4[],
          ${col((g) => g.acc.ph[0] ?? 0, of)}::int8[], ${col((g) => g.acc.ph[1] ?? 0, of)}::int8[], ${col((g) => g.acc.ph[2] ?? 0, of)}::int8[],
          ${col((g) => g.acc.ph[3] ?? 0, of)}::int8[], ${col((g) => g.acc.ph[4] ?? 0, of)}::int8[], ${byteaArray(hists)}::bytea[])`
      // What must be merged with a stored row, per tier.
      const merge: { tier: Tier; groups: readonly RollupGroup[] }[] = []
      for (const { tier, groups } of tiers) {
        if (groups.length === 0) continue
        if (tier !== '1m') {
          merge.push({ tier, groups })
          continue
        }
        // A minute bucket is nearly always new: insert outright, and merge only the few that exist
        // (a late or replayed result) instead of first reading every bucket of the batch.
        const { rows: added } = await sql<{
          skey: number
          bucket: number
        }>`insert into ${sql.table(rollupTable(tier))} ${COLS}
          ${values(
            groups,
            groups.map((g) => encodeHist(g.acc)),
          )}
          on conflict (skey, bucket) do nothing returning skey, bucket`.execute(tx)
        if (added.length === groups.length) continue
        const done = new Set(added.map((a) => `${a.skey}:${a.bucket}`))
        merge.push({ tier, groups: groups.filter((g) => !done.has(`${g.skey}:${g.bucket}`)) })
      }
      if (merge.length === 0) return
      // Every tier's stored histograms in one read, then every tier's upsert in one statement.
      const { rows: prev } = await sql<{ tier: Tier; skey: number; bucket: number; hist: Uint8Array }>`${sql.join(
        merge.map(
          ({
            tier,
            groups,
          }) => sql`select ${tier}::text as tier, r.skey, r.bucket, r.hist from ${sql.table(rollupTable(tier))} r
            join unnest(${numArray(groups.map((g) => g.skey))}::int4[], ${numArray(groups.map((g) => g.bucket))}::int4[]) as k(skey, bucket)
              on r.skey = k.skey and r.bucket = k.bucket`,
        ),
        sql` union all `,
      )}`.execute(tx)
      const existing = new Map(prev.map((p) => [`${p.tier}:${p.skey}:${p.bucket}`, p.hist]))
      const add = (c: string) => sql`${sql.raw(c)} = r.${sql.raw(c)} + excluded.${sql.raw(c)}`
      const bound = (c: string, op: '<' | '>') =>
        sql`${sql.raw(c)} = case when r.${sql.raw(c)} is null or excluded.${sql.raw(c)} ${sql.raw(op)} r.${sql.raw(c)}
          then excluded.${sql.raw(c)} else r.${sql.raw(c)} end`
      const upserts = merge.map(({ tier, groups }) => {
        const hists = groups.map((g) => {
          const old = existing.get(`${tier}:${g.skey}:${g.bucket}`)
          return old ? encode(decodeInto(toRollupAcc(g.acc).hist, old)) : encodeHist(g.acc)
        })
        return sql`insert into ${sql.table(rollupTable(tier))} as r ${COLS} ${values(groups, hists)}
          on conflict (skey, bucket) do update set ${sql.join(ADDITIVE_ROLLUP_COLS.map(add), sql`, `)},
          ${bound('lat_min', '<')}, ${bound('lat_max', '>')}, hist = excluded.hist`
      })
      await inOneStatement(upserts).execute(tx)
    },
    async writeConsensus({ minutes, hours, days }) {
      const writes: RawBuilder<unknown>[] = []
      if (minutes.length > 0)
        writes.push(sql`insert into ts_consensus_1m (mkey, net, bucket, state)
          select * from unnest(${numArray(minutes.map((r) => r.mkey))}::int4[], ${numArray(minutes.map((r) => r.net))}::int4[],
            ${numArray(minutes.map((r) => r.bucket))}::int4[], ${numArray(minutes.map((r) => r.state))}::int4[])
          on conflict (mkey, net, bucket) do update set state = excluded.state`)
      for (const [tier, deltas] of [
        ['1h', hours],
        ['1d', days],
      ] as const) {
        if (deltas.length === 0) continue
        const d = (f: (x: (typeof deltas)[number]) => number) => numArray(deltas.map(f))
        writes.push(sql`insert into ${sql.table(consensusTable(tier))} as c (mkey, net, bucket, up, degraded, down, maint)
          select * from unnest(${d((x) => x.mkey)}::int4[], ${d((x) => x.net)}::int4[], ${d((x) => x.bucket)}::int4[],
            ${d((x) => x.up)}::int4[], ${d((x) => x.degraded)}::int4[], ${d((x) => x.down)}::int4[], ${d((x) => x.maint)}::int4[])
          on conflict (mkey, net, bucket) do update set up = c.up + excluded.up, degraded = c.degraded + excluded.degraded,
            down = c.down + excluded.down, maint = c.maint + excluded.maint`)
      }
      if (writes.length > 0) await inOneStatement(writes).execute(tx)
    },
  }
}

/**
 * Several writes to different tables as one statement (one round trip): all but the last as
 * data-modifying CTEs, which PostgreSQL always runs to completion, in the statement's snapshot.
 */
function inOneStatement(writes: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  const last = writes[writes.length - 1] as RawBuilder<unknown>
  if (writes.length === 1) return last
  const ctes = writes.slice(0, -1).map((w, i) => sql`${sql.raw(`w${i}`)} as (${w})`)
  return sql`with ${sql.join(ctes, sql`, `)} ${last}`
}
