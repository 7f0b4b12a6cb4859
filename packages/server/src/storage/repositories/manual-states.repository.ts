import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type ManualStateRow = Selectable<DB['manual_states']>

/** Every state a person set on a manual monitor, with the note and who set it. */
export class ManualStatesRepository {
  constructor(private db: Kysely<DB>) {}

  async insert(row: ManualStateRow): Promise<void> {
    await this.db.insertInto('manual_states').values(row).execute()
  }

  list(monitorId: string, limit: number): Promise<ManualStateRow[]> {
    return this.db
      .selectFrom('manual_states')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
  }

  latest(monitorId: string): Promise<ManualStateRow | undefined> {
    return this.list(monitorId, 1).then((rows) => rows[0])
  }
}
