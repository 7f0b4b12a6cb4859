import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'
import { createConsensusCountsTable, createRollupTable } from './0002_timeseries.js'

/**
 * Week and 4-week rollups (storage/timeseries/coarse.ts), built from day rows once a period has
 * closed, so a long window reads a bounded number of rows. `ts_coarse_state` says how far each
 * tier is claimed (ingestion flags late writes into periods at or before it) and built (reads
 * trust periods at or before it); `ts_coarse_dirty` lists periods written to after their build.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  for (const tier of ['1w', '4w']) {
    await createRollupTable(db, d, `ts_rollup_${tier}`)
    await createConsensusCountsTable(db, d, `ts_consensus_${tier}`)
  }
  await db.schema
    .createTable('ts_coarse_state')
    .addColumn('tier', 'text', (c) => c.primaryKey())
    .addColumn('claimed_through', 'integer', (c) => c.notNull())
    .addColumn('built_through', 'integer', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('ts_coarse_dirty')
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('bucket', 'integer', (c) => c.notNull())
    .addColumn('gen', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_ts_coarse_dirty', ['tier', 'bucket'])
    .execute()
}
