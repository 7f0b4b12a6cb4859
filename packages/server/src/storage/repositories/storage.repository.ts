import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'
import { MINUTE_MS } from '../timeseries/buckets.js'
import { mergeDay, type PackedResult, unpackDay } from '../timeseries/packed.js'
import {
  dropPartition,
  listDayPartitions,
  type PartitionedTable,
  createDayPartitions as pgCreateDayPartitions,
} from '../timeseries/partitions.js'
import { isPostgres } from './rollup-writer.js'

/** Every time-series table, its key (and where keys come from) and its time column. */
export const TS_TABLES = {
  ts_results: { key: 'skey', keys: 'series', time: 'at', unit: 'ms' },
  ts_result_details: { key: 'skey', keys: 'series', time: 'at', unit: 'ms' },
  ts_results_packed: { key: 'skey', keys: 'series', time: 'at', unit: 'ms' },
  ts_rollup_1m: { key: 'skey', keys: 'series', time: 'bucket', unit: 'min' },
  ts_rollup_1h: { key: 'skey', keys: 'series', time: 'bucket', unit: 'min' },
  ts_rollup_1d: { key: 'skey', keys: 'series', time: 'bucket', unit: 'min' },
  ts_consensus_1m: { key: 'mkey', keys: 'monitors', time: 'bucket', unit: 'min' },
  ts_consensus_1h: { key: 'mkey', keys: 'monitors', time: 'bucket', unit: 'min' },
  ts_consensus_1d: { key: 'mkey', keys: 'monitors', time: 'bucket', unit: 'min' },
  ts_rollup_1w: { key: 'skey', keys: 'series', time: 'bucket', unit: 'min' },
  ts_rollup_4w: { key: 'skey', keys: 'series', time: 'bucket', unit: 'min' },
  ts_consensus_1w: { key: 'mkey', keys: 'monitors', time: 'bucket', unit: 'min' },
  ts_consensus_4w: { key: 'mkey', keys: 'monitors', time: 'bucket', unit: 'min' },
  ts_chart_1h: { key: 'mkey', keys: 'monitors', time: 'bucket', unit: 'min' },
  metric_points: { key: 'metric', keys: 'metrics', time: 'at', unit: 'ms' },
  metric_rollup_1h: { key: 'metric', keys: 'metrics', time: 'bucket', unit: 'min' },
  metric_rollup_1d: { key: 'metric', keys: 'metrics', time: 'bucket', unit: 'min' },
} as const
export type TsTable = keyof typeof TS_TABLES

const KEY_SOURCE = {
  series: { table: 'ts_series', col: 'skey' },
  monitors: { table: 'ts_monitors', col: 'mkey' },
  metrics: { table: 'metric_series', col: 'id' },
} as const

/**
 * Maintenance operations for the storage jobs: bounded deletes (a key chunk × a time slice per
 * statement, so SQLite's single writer is never held long), PostgreSQL partitions, sizes.
 */
export class StorageRepository {
  readonly dialect: 'sqlite' | 'postgres'

  constructor(
    private db: Kysely<DB>,
    /** Folds acknowledged results still queued (SQLite), so a delete never races their fold. */
    private settle: () => Promise<void> = async () => {},
  ) {
    this.dialect = isPostgres(db) ? 'postgres' : 'sqlite'
  }

  private toUnit(table: TsTable, ms: number): number {
    return TS_TABLES[table].unit === 'ms' ? ms : Math.floor(ms / MINUTE_MS)
  }
  private fromUnit(table: TsTable, v: number): number {
    return TS_TABLES[table].unit === 'ms' ? v : v * MINUTE_MS
  }

  /** Every key of the table's key space (series, monitors or metrics): small tables. */
  async keys(table: TsTable): Promise<number[]> {
    const src = KEY_SOURCE[TS_TABLES[table].keys]
    const { rows } = await sql<{
      k: number
    }>`select ${sql.ref(src.col)} as k from ${sql.table(src.table)} order by 1`.execute(this.db)
    return rows.map((r) => Number(r.k))
  }

  /** Oldest time (ms) stored for these keys: one index seek per key (and network type), never a scan. */
  async oldest(table: TsTable, keys: readonly number[]): Promise<number | null> {
    if (keys.length === 0) return null
    const { key, time } = TS_TABLES[table]
    const first = (net?: number) =>
      sql`(select ${sql.ref(time)} from ${sql.table(table)} x where x.${sql.ref(key)} = k.k ${
        net === undefined ? sql`` : sql`and x.net = ${sql.lit(net)}`
      } order by ${sql.ref(time)} limit 1)`
    // Consensus keys are (monitor, net, bucket): one seek per network type, not a sort of the monitor.
    // SQLite's scalar min() is null when an argument is: coalesce each with the other.
    const pick = table.startsWith('ts_consensus')
      ? sql`min(coalesce(${first(0)}, ${first(1)}), coalesce(${first(1)}, ${first(0)}))`
      : first()
    const keyRows = sql.join(
      keys.map((k) => sql`select ${sql.lit(Math.trunc(k))} as k`),
      sql` union all `,
    )
    const { rows } = await sql<{ t: number | null }>`select min(t) as t from (select ${
      this.dialect === 'postgres' && table.startsWith('ts_consensus') ? sql`least(${first(0)}, ${first(1)})` : pick
    } as t from (${keyRows}) k) s`.execute(this.db)
    const t = rows[0]?.t
    return t === null || t === undefined ? null : this.fromUnit(table, Number(t))
  }

  /** Oldest time over every key of the table, in chunks (SQLite caps compound selects at 500). */
  async oldestAll(table: TsTable, keys?: readonly number[]): Promise<number | null> {
    const all = keys ?? (await this.keys(table))
    let min: number | null = null
    for (let i = 0; i < all.length; i += 100) {
      const t = await this.oldest(table, all.slice(i, i + 100))
      if (t !== null && (min === null || t < min)) min = t
    }
    return min
  }

  /** Deletes rows of these keys with time in [fromMs, toMs); returns how many. */
  async deleteRange(table: TsTable, keys: readonly number[], fromMs: number, toMs: number): Promise<number> {
    if (keys.length === 0) return 0
    await this.settle()
    const { key, time } = TS_TABLES[table]
    // Minute buckets are 4-byte integers on PostgreSQL: keep bounds inside that range.
    const bound = (ms: number) =>
      TS_TABLES[table].unit === 'ms' ? ms : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, this.toUnit(table, ms)))
    let q = this.db.deleteFrom(table as 'ts_results').where(key as 'skey', 'in', [...keys])
    if (table.startsWith('ts_consensus')) q = q.where('net' as 'skey', 'in', [0, 1])
    if (Number.isFinite(fromMs)) q = q.where(time as 'at', '>=', bound(fromMs))
    if (Number.isFinite(toMs)) q = q.where(time as 'at', '<', bound(toMs))
    const r = await q.executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  /** Monitor keys whose monitor no longer exists, and their series. */
  async orphans(): Promise<{ mkeys: number[]; skeys: number[]; metrics: number[] }> {
    const m = await this.db
      .selectFrom('ts_monitors')
      .select('mkey')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('monitors').select('id').whereRef('monitors.id', '=', 'ts_monitors.monitor_id'))),
      )
      .execute()
    const mkeys = m.map((r) => r.mkey)
    const s =
      mkeys.length === 0
        ? []
        : await this.db.selectFrom('ts_series').select('skey').where('mkey', 'in', mkeys).execute()
    const metrics = await this.db
      .selectFrom('metric_series')
      .select('id')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('monitors').select('id').whereRef('monitors.id', '=', 'metric_series.monitor_id'))),
      )
      .execute()
    return { mkeys, skeys: s.map((r) => r.skey), metrics: metrics.map((r) => r.id) }
  }

  async forgetKeys(o: { mkeys: number[]; metrics: number[] }): Promise<void> {
    await this.settle()
    if (o.mkeys.length > 0) {
      await this.db.deleteFrom('ts_series').where('mkey', 'in', o.mkeys).execute()
      await this.db.deleteFrom('ts_monitors').where('mkey', 'in', o.mkeys).execute()
    }
    if (o.metrics.length > 0) await this.db.deleteFrom('metric_series').where('id', 'in', o.metrics).execute()
  }

  // ── sizes ──────────────────────────────────────────────────────────────────────────────────

  /** Bytes the database occupies: SQLite pages in use (freed pages excluded), or pg_database_size. */
  async sizeBytes(): Promise<number> {
    if (this.dialect === 'postgres') {
      const { rows } = await sql<{ n: number }>`select pg_database_size(current_database()) as n`.execute(this.db)
      return Number(rows[0]?.n ?? 0)
    }
    const pages = await this.pragma('page_count')
    const free = await this.pragma('freelist_count')
    return (pages - free) * (await this.pragma('page_size'))
  }

  /** Bytes per table including its indexes (and, on PostgreSQL, all its partitions and TOAST). */
  async tableBytes(tables: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {}
    for (const t of tables) {
      if (this.dialect === 'postgres') {
        const { rows } = await sql<{ n: number }>`
          select coalesce(sum(pg_total_relation_size(c.oid)), 0) as n from pg_class c
          where c.oid = ${t}::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = ${t}::regclass)`.execute(
          this.db,
        )
        out[t] = Number(rows[0]?.n ?? 0)
      } else {
        const { rows } = await sql<{ n: number }>`
          select coalesce(sum(pgsize), 0) as n from dbstat
          where name = ${t} or name in (select name from sqlite_schema where type = 'index' and tbl_name = ${t})`.execute(
          this.db,
        )
        out[t] = Number(rows[0]?.n ?? 0)
      }
    }
    return out
  }

  private async pragma(name: string): Promise<number> {
    const { rows } = await sql<Record<string, number>>`${sql.raw(`pragma ${name}`)}`.execute(this.db)
    return Number(Object.values(rows[0] ?? {})[0] ?? 0)
  }

  /** SQLite: returns up to `pages` free pages to the OS; the number still free after. */
  async incrementalVacuum(pages: number): Promise<number> {
    if (this.dialect !== 'sqlite') return 0
    if ((await this.pragma('auto_vacuum')) !== 2) return 0
    await sql`${sql.raw(`pragma incremental_vacuum(${Math.max(1, Math.floor(pages))})`)}`.execute(this.db)
    return this.pragma('freelist_count')
  }

  async autoVacuumMode(): Promise<number> {
    return this.dialect === 'sqlite' ? this.pragma('auto_vacuum') : 0
  }

  // ── PostgreSQL compaction of past raw days ─────────────────────────────────────────────────

  /** Series present in one day partition of raw rows (an index-only scan). */
  async partitionSeries(partition: string): Promise<number[]> {
    const { rows } = await sql<{ skey: number }>`select distinct skey from ${sql.table(partition)} order by 1`.execute(
      this.db,
    )
    return rows.map((r) => Number(r.skey))
  }

  /**
   * Packs the rows of these series in one day partition into one row per series, merged with
   * what is already packed for that day (a re-run or late rows after a first compaction).
   */
  async packPartition(partition: string, day: number, skeys: readonly number[]): Promise<number> {
    if (skeys.length === 0) return 0
    return this.db.transaction().execute((tx) => packRows(tx, partition, day, skeys))
  }

  /**
   * Packs what is left in a day partition (rows inserted after their series' chunk was packed),
   * then drops it, in one transaction that blocks writes into that partition: no row committed
   * into it can be dropped unpacked.
   */
  async packRestAndDrop(partition: string, day: number): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await sql`lock table ${sql.table(partition)} in exclusive mode`.execute(tx)
      const { rows } = await sql<{ skey: number }>`select distinct skey from ${sql.table(partition)}`.execute(tx)
      const n = await packRows(
        tx,
        partition,
        day,
        rows.map((r) => Number(r.skey)),
      )
      await dropPartition(tx as unknown as Kysely<unknown>, partition)
      return n
    })
  }

  // ── PostgreSQL partitions ──────────────────────────────────────────────────────────────────

  createDayPartitions(days: Iterable<number>): Promise<void> {
    return pgCreateDayPartitions(this.db as Kysely<unknown>, days)
  }
  listDayPartitions(table: PartitionedTable) {
    return listDayPartitions(this.db as Kysely<unknown>, table)
  }
  dropPartition(name: string): Promise<void> {
    return dropPartition(this.db as Kysely<unknown>, name)
  }
}

/**
 * Moves the rows of these series out of a day partition into their packed day rows (merged with
 * what is packed already), in the caller's transaction: `delete … returning` takes exactly the
 * rows it packs, so a row inserted meanwhile stays in the partition for the next pass.
 */
async function packRows(tx: Kysely<DB>, partition: string, day: number, skeys: readonly number[]): Promise<number> {
  if (skeys.length === 0) return 0
  const { rows } = await sql<{ skey: number; at: number; code: number; lat: number; tm: Uint8Array | null }>`
    delete from ${sql.table(partition)} where skey in (${sql.join(skeys)}) returning skey, at, code, lat, tm`.execute(
    tx,
  )
  if (rows.length === 0) return 0
  rows.sort((a, b) => Number(a.skey) - Number(b.skey) || Number(a.at) - Number(b.at))
  const existing = await tx
    .selectFrom('ts_results_packed')
    .select(['skey', 'data'])
    .where('skey', 'in', [...new Set(rows.map((r) => Number(r.skey)))])
    .where('at', '=', day)
    .execute()
  const prev = new Map(existing.map((e) => [Number(e.skey), e.data]))
  const bySeries = new Map<number, PackedResult[]>()
  for (const r of rows) {
    const l = bySeries.get(Number(r.skey))
    const v = { at: Number(r.at), code: r.code, lat: r.lat, tm: r.tm }
    if (l) l.push(v)
    else bySeries.set(Number(r.skey), [v])
  }
  const packed = [...bySeries].map(([skey, list]) => {
    const data = mergeDay(prev.get(skey) ?? null, list, day)
    return { at: day, skey, n: unpackDay(data, day).length, data: Buffer.from(data) }
  })
  for (let i = 0; i < packed.length; i += 500)
    await tx
      .insertInto('ts_results_packed')
      .values(packed.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['skey', 'at']).doUpdateSet({ n: sql.ref('excluded.n'), data: sql.ref('excluded.data') }),
      )
      .execute()
  return rows.length
}
