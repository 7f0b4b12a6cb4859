import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type IncidentRow = Selectable<DB['incidents']>

export class IncidentsRepository {
  constructor(private db: Kysely<DB>) {}

  findOpen(monitorId: string): Promise<IncidentRow | undefined> {
    return this.db
      .selectFrom('incidents')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .where('resolved_at', 'is', null)
      .executeTakeFirst()
  }

  /**
   * Opens an incident unless one is already open. The partial unique index decides, so two
   * writers racing (another replica, say) still end with exactly one open incident.
   */
  async openIfNone(row: IncidentRow): Promise<boolean> {
    const r = await this.db
      .insertInto('incidents')
      .values(row)
      .onConflict((oc) => oc.column('monitor_id').where('resolved_at', 'is', null).doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async resolve(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('incidents')
      .set({ resolved_at: at })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .execute()
  }

  listForMonitor(monitorId: string, opts: { limit: number; resolved?: boolean | undefined }): Promise<IncidentRow[]> {
    let q = this.db.selectFrom('incidents').selectAll().where('monitor_id', '=', monitorId)
    if (opts.resolved === true) q = q.where('resolved_at', 'is not', null)
    if (opts.resolved === false) q = q.where('resolved_at', 'is', null)
    return q.orderBy('started_at', 'desc').limit(opts.limit).execute()
  }
}
