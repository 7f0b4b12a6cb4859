import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Past days of raw results packed one row per series and day (PostgreSQL compaction; on SQLite
 * the table exists and stays empty: rows there already cost ~35 bytes). `at` is the day's start.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  let t = db.schema
    .createTable('ts_results_packed')
    .addColumn('at', d.bigint, (c) => c.notNull())
    .addColumn('skey', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('data', d.blob, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_ts_results_packed', ['skey', 'at'])
  if (d.name === 'postgres') t = t.modifyEnd(sql`partition by range (at)`)
  await t.execute()
}
