import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type ResultRow = Selectable<DB['check_results']>
export type NewResultRow = Insertable<DB['check_results']>

/** Rows per INSERT: well under SQLite's bound-parameter limit (7 columns each). */
const CHUNK = 500

export class ResultsRepository {
  constructor(private db: Kysely<DB>) {}

  /**
   * Stores a probe's batch once. The (probe, batch_id) row is the idempotency key and is written
   * in the same transaction as the results: a retried batch stores nothing and says so.
   */
  async insertBatch(
    probeId: string,
    batchId: string,
    rows: NewResultRow[],
    at: number,
  ): Promise<{ duplicate: boolean }> {
    return this.db.transaction().execute(async (tx) => {
      const key = await tx
        .insertInto('probe_batches')
        .values({ probe_id: probeId, batch_id: batchId, received_at: at })
        .onConflict((oc) => oc.columns(['probe_id', 'batch_id']).doNothing())
        .executeTakeFirst()
      if (Number(key.numInsertedOrUpdatedRows ?? 0) === 0) return { duplicate: true }
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx
          .insertInto('check_results')
          .values(rows.slice(i, i + CHUNK))
          .execute()
      }
      return { duplicate: false }
    })
  }

  listForMonitor(
    monitorId: string,
    opts: { limit: number; offset: number; since?: number | undefined },
  ): Promise<ResultRow[]> {
    let q = this.db.selectFrom('check_results').selectAll().where('monitor_id', '=', monitorId)
    if (opts.since !== undefined) q = q.where('checked_at', '>=', opts.since)
    return q.orderBy('checked_at', 'desc').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset).execute()
  }
}
