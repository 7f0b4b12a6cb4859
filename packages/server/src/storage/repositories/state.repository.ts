import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type MonitorStateRow = Selectable<DB['monitor_state']>
export type ProbeStateRow = Selectable<DB['monitor_probe_state']>

/** Derived, rebuildable state: per monitor and per monitor × probe. */
export class StateRepository {
  constructor(private db: Kysely<DB>) {}

  getMonitorState(monitorId: string): Promise<MonitorStateRow | undefined> {
    return this.db.selectFrom('monitor_state').selectAll().where('monitor_id', '=', monitorId).executeTakeFirst()
  }

  async putMonitorState(row: MonitorStateRow): Promise<void> {
    const { monitor_id, ...rest } = row
    await this.db
      .insertInto('monitor_state')
      .values(row)
      .onConflict((oc) => oc.column('monitor_id').doUpdateSet(rest))
      .execute()
  }

  probeStates(monitorId: string): Promise<ProbeStateRow[]> {
    return this.db.selectFrom('monitor_probe_state').selectAll().where('monitor_id', '=', monitorId).execute()
  }

  async putProbeState(row: ProbeStateRow): Promise<void> {
    const { monitor_id, probe_id, ...rest } = row
    await this.db
      .insertInto('monitor_probe_state')
      .values(row)
      .onConflict((oc) => oc.columns(['monitor_id', 'probe_id']).doUpdateSet(rest))
      .execute()
  }

  async clearProbeStates(monitorId: string): Promise<void> {
    await this.db.deleteFrom('monitor_probe_state').where('monitor_id', '=', monitorId).execute()
  }
}
