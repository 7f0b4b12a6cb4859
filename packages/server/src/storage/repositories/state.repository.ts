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

  /**
   * Per probe: how many monitors it alone counts down while the verdict says probe-local (others
   * see them up), and how many fresh views it has. Feeds suspect-probe detection.
   */
  async probeLocalFailureCounts(
    freshSince: number,
  ): Promise<{ probe_id: string; local_failures: number; views: number }[]> {
    const rows = await this.db
      .selectFrom('monitor_probe_state as ps')
      .innerJoin('monitor_state as ms', 'ms.monitor_id', 'ps.monitor_id')
      .where('ps.checked_at', '>=', freshSince)
      .select((eb) => [
        'ps.probe_id',
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('ps.counted', '=', 'down'), eb('ms.scope', '=', 'probe_local')]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('local_failures'),
        eb.fn.countAll<number>().as('views'),
      ])
      .groupBy('ps.probe_id')
      .execute()
    return rows.map((r) => ({
      probe_id: r.probe_id,
      local_failures: Number(r.local_failures ?? 0),
      views: Number(r.views),
    }))
  }
}
