import { type CreateTableBuilder, type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'
import { DAY_MS, dayStart } from '../timeseries/buckets.js'
import { packCode, packTimings, toTenths } from '../timeseries/codec.js'
import { createDayPartitions } from '../timeseries/partitions.js'

/**
 * Time-series storage (docs/adr/0007-time-series-storage.md): compact raw results keyed by a small
 * integer series (monitor × probe × network type), rich details apart, rollups per series and
 * tier, consensus minutes per monitor and network type, plus SLO targets, annotations and custom
 * metrics. The shipped `check_results` rows are copied over, then that table is dropped.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const pg = d.name === 'postgres'
  const ts = d.bigint
  const clustered = <T extends string, C extends string>(b: CreateTableBuilder<T, C>) => clusteredFor(d, b)
  const serialPk = (name: string) =>
    [
      name,
      pg ? 'serial' : 'integer',
      (c: import('kysely').ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()),
    ] as const

  await db.schema
    .createTable('ts_monitors')
    .addColumn(...serialPk('mkey'))
    // No foreign key on purpose: a deleted monitor's data is swept in bounded batches by the
    // retention job (a cascade would delete millions of rows in one statement).
    .addColumn('monitor_id', 'text', (c) => c.notNull().unique())
    .execute()
  await db.schema
    .createTable('ts_series')
    .addColumn(...serialPk('skey'))
    .addColumn('mkey', 'integer', (c) => c.notNull().references('ts_monitors.mkey').onDelete('cascade'))
    .addColumn('probe_id', 'text', (c) => c.notNull())
    .addColumn('net', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('ux_ts_series', ['mkey', 'probe_id', 'net'])
    .execute()

  // Column order avoids alignment padding on PostgreSQL (8-byte first, then 4, 2, variable).
  let results = db.schema
    .createTable('ts_results')
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('skey', 'integer', (c) => c.notNull())
    .addColumn('lat', 'integer', (c) => c.notNull())
    .addColumn('code', pg ? 'smallint' : 'integer', (c) => c.notNull())
    .addColumn('tm', d.blob)
    .addPrimaryKeyConstraint('pk_ts_results', ['skey', 'at'])
  results = pg ? results.modifyEnd(sql`partition by range (at)`) : clustered(results)
  await results.execute()

  let details = db.schema
    .createTable('ts_result_details')
    .addColumn('skey', 'integer', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_ts_result_details', ['skey', 'at'])
  if (pg) details = details.modifyEnd(sql`partition by range (at)`)
  await details.execute()

  for (const tier of ['1m', '1h', '1d']) await createRollupTable(db, d, `ts_rollup_${tier}`)
  await clustered(
    db.schema
      .createTable('ts_consensus_1m')
      .addColumn('mkey', 'integer', (c) => c.notNull())
      .addColumn('net', 'integer', (c) => c.notNull())
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('state', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('pk_ts_consensus_1m', ['mkey', 'net', 'bucket']),
  ).execute()
  for (const tier of ['1h', '1d']) await createConsensusCountsTable(db, d, `ts_consensus_${tier}`)

  await db.schema
    .createTable('slo_targets')
    .addColumn('monitor_id', 'text', (c) => c.primaryKey().references('monitors.id').onDelete('cascade'))
    .addColumn('target', d.double, (c) => c.notNull())
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('annotations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('annotated_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ix_annotations_monitor')
    .on('annotations')
    .columns(['monitor_id', 'annotated_at'])
    .execute()

  await db.schema
    .createTable('metric_series')
    .addColumn(...serialPk('id'))
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_value', d.double)
    .addColumn('last_at', ts)
    .addUniqueConstraint('ux_metric_series', ['monitor_id', 'name'])
    .execute()
  await clustered(
    db.schema
      .createTable('metric_points')
      .addColumn('metric', 'integer', (c) => c.notNull())
      .addColumn('at', ts, (c) => c.notNull())
      .addColumn('value', d.double, (c) => c.notNull())
      .addPrimaryKeyConstraint('pk_metric_points', ['metric', 'at']),
  ).execute()
  for (const tier of ['1h', '1d']) {
    await clustered(
      db.schema
        .createTable(`metric_rollup_${tier}`)
        .addColumn('metric', 'integer', (c) => c.notNull())
        .addColumn('bucket', 'integer', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('sum', d.double, (c) => c.notNull())
        .addColumn('min', d.double, (c) => c.notNull())
        .addColumn('max', d.double, (c) => c.notNull())
        .addPrimaryKeyConstraint(`pk_metric_rollup_${tier}`, ['metric', 'bucket']),
    ).execute()
  }

  await copyShippedResults(db, pg)
}

/** Moves the rows of the shipped `check_results` table; rollups are rebuilt by the storage job. */
async function copyShippedResults(db: Kysely<unknown>, pg: boolean): Promise<void> {
  const { rows: count } = await sql<{ n: number }>`select count(*) as n from check_results`.execute(db)
  const n = Number(count[0]?.n ?? 0)
  if (n > 0) {
    await sql`insert into ts_monitors (monitor_id) select distinct monitor_id from check_results`.execute(db)
    await sql`insert into ts_series (mkey, probe_id, net, created_at)
      select distinct m.mkey, c.probe_id, case when p.network_type = 'internal' then 1 else 0 end, 0
      from check_results c join ts_monitors m on m.monitor_id = c.monitor_id
      left join probes p on p.id = c.probe_id`.execute(db)
    if (pg) {
      const { rows } = await sql<{ lo: number; hi: number }>`
        select min(checked_at) as lo, max(checked_at) as hi from check_results`.execute(db)
      const days: number[] = []
      for (let day = dayStart(Number(rows[0]?.lo)); day <= Number(rows[0]?.hi); day += DAY_MS) days.push(day)
      await createDayPartitions(db, days, ['ts_results', 'ts_result_details'])
    }
    let lastId = -1
    for (;;) {
      const { rows } = await sql<{
        id: number
        skey: number
        checked_at: number
        status: number
        latency_ms: number
        http_status: number | null
        detail: string | null
      }>`select c.id, s.skey, c.checked_at, c.status, c.latency_ms, c.http_status, c.detail
         from check_results c
         join ts_monitors m on m.monitor_id = c.monitor_id
         left join probes p on p.id = c.probe_id
         join ts_series s on s.mkey = m.mkey and s.probe_id = c.probe_id
           and s.net = case when p.network_type = 'internal' then 1 else 0 end
         where c.id > ${lastId} order by c.id limit 2000`.execute(db)
      if (rows.length === 0) break
      lastId = Number(rows[rows.length - 1]?.id)
      const seen = new Set<string>()
      const raw: { skey: number; at: number; code: number; lat: number; tm: Buffer | null }[] = []
      const details: { skey: number; at: number; detail: string }[] = []
      for (const r of rows) {
        const key = `${r.skey}:${r.checked_at}`
        if (seen.has(key)) continue
        seen.add(key)
        const d = r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : {}
        const { timings, ...rest } = d
        const tm = packTimings(timings as never)
        raw.push({
          skey: Number(r.skey),
          at: Number(r.checked_at),
          code: packCode(Number(r.status) as 0 | 1 | 2, false, r.http_status),
          lat: toTenths(Number(r.latency_ms)),
          tm: tm ? Buffer.from(tm) : null,
        })
        if (Object.keys(rest).length > 0)
          details.push({ skey: Number(r.skey), at: Number(r.checked_at), detail: JSON.stringify(rest) })
      }
      await db
        .insertInto('ts_results' as never)
        .values(raw as never)
        .onConflict((oc) => oc.doNothing())
        .execute()
      if (details.length > 0)
        await db
          .insertInto('ts_result_details' as never)
          .values(details as never)
          .onConflict((oc) => oc.doNothing())
          .execute()
    }
    await sql`insert into settings (key, value) values ('ts.rebuild_pending', '1')`.execute(db)
  }
  await db.schema.dropTable('check_results').execute()
}

/** SQLite: the primary key is the table (`without rowid`), no second index to pay for. */
const clusteredFor = <T extends string, C extends string>(d: Dialect, b: CreateTableBuilder<T, C>) =>
  d.name === 'postgres' ? b : b.modifyEnd(sql`without rowid`)

/** A rollup tier's table: one row per series and bucket (also used by later migrations' tiers). */
export async function createRollupTable(db: Kysely<unknown>, d: Dialect, name: string): Promise<void> {
  const ts = d.bigint
  await clusteredFor(
    d,
    db.schema
      .createTable(name)
      .addColumn('skey', 'integer', (c) => c.notNull())
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('up', 'integer', (c) => c.notNull())
      .addColumn('degraded', 'integer', (c) => c.notNull())
      .addColumn('down', 'integer', (c) => c.notNull())
      .addColumn('maint', 'integer', (c) => c.notNull())
      .addColumn('lat_sum', ts, (c) => c.notNull())
      .addColumn('lat_min', 'integer')
      .addColumn('lat_max', 'integer')
      .addColumn('lat_sq', d.double, (c) => c.notNull())
      .addColumn('ph_n', 'integer', (c) => c.notNull())
      .addColumn('ph_dns', ts, (c) => c.notNull())
      .addColumn('ph_connect', ts, (c) => c.notNull())
      .addColumn('ph_tls', ts, (c) => c.notNull())
      .addColumn('ph_ttfb', ts, (c) => c.notNull())
      .addColumn('ph_transfer', ts, (c) => c.notNull())
      .addColumn('hist', d.blob, (c) => c.notNull())
      .addPrimaryKeyConstraint(`pk_${name}`, ['skey', 'bucket']),
  ).execute()
}

/** A consensus tier holding minute counts per monitor, network type and bucket. */
export async function createConsensusCountsTable(db: Kysely<unknown>, d: Dialect, name: string): Promise<void> {
  await clusteredFor(
    d,
    db.schema
      .createTable(name)
      .addColumn('mkey', 'integer', (c) => c.notNull())
      .addColumn('net', 'integer', (c) => c.notNull())
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('up', 'integer', (c) => c.notNull())
      .addColumn('degraded', 'integer', (c) => c.notNull())
      .addColumn('down', 'integer', (c) => c.notNull())
      .addColumn('maint', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint(`pk_${name}`, ['mkey', 'net', 'bucket']),
  ).execute()
}
