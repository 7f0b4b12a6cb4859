import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Chart days (timeseries/chart-hours.ts): per monitor and closed day, its hourly chart points in
 * one value, built by the storage job like the week tiers (`ts_coarse_state` tier `chart_1h`), so
 * a 30-day chart reads 30 rows instead of 720 hours × every probe. A rowid table on SQLite: rows
 * of ~1 KB are past what a WITHOUT ROWID b-tree stores well.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  await db.schema
    .createTable('ts_chart_1h')
    .addColumn('mkey', 'integer', (c) => c.notNull())
    .addColumn('bucket', 'integer', (c) => c.notNull())
    .addColumn('data', d.blob, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_ts_chart_1h', ['mkey', 'bucket'])
    .execute()
}
