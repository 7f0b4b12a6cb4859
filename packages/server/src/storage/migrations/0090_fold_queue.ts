import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * SQLite: results acknowledged but not yet folded into the rollups and consensus tables
 * (storage/repositories/fold-queue.ts). A row per stored batch, deleted by the transaction that
 * folds it; rows left by a stopped process are folded when the database is next opened.
 * PostgreSQL folds in the batch's own transaction and has no such table.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  if (d.name === 'postgres') return
  await db.schema
    .createTable('ts_fold_queue')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('net', 'integer', (c) => c.notNull())
    .addColumn('queued_at', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('points', 'blob', (c) => c.notNull())
    .execute()
}
