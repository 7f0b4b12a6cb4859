import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type MonitorStateRow = Selectable<DB['monitor_state']>
export type ProbeStateRow = Selectable<DB['monitor_probe_state']>

const IN_CHUNK = 500
/** Rows per upsert: 10 columns a row stays far below both engines' bound-parameter limits. */
const WRITE_CHUNK = 500

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

  /** Monitor states of many monitors at once (one batch of results). */
  async monitorStatesFor(monitorIds: readonly string[]): Promise<Map<string, MonitorStateRow>> {
    const out = new Map<string, MonitorStateRow>()
    for (let i = 0; i < monitorIds.length; i += IN_CHUNK) {
      const rows = await this.db
        .selectFrom('monitor_state')
        .selectAll()
        .where('monitor_id', 'in', monitorIds.slice(i, i + IN_CHUNK))
        .execute()
      for (const r of rows) out.set(r.monitor_id, r)
    }
    return out
  }

  /** Per-probe states of many monitors at once, grouped by monitor. */
  async probeStatesFor(monitorIds: readonly string[]): Promise<Map<string, ProbeStateRow[]>> {
    const out = new Map<string, ProbeStateRow[]>()
    for (let i = 0; i < monitorIds.length; i += IN_CHUNK) {
      const rows = await this.db
        .selectFrom('monitor_probe_state')
        .selectAll()
        .where('monitor_id', 'in', monitorIds.slice(i, i + IN_CHUNK))
        .execute()
      for (const r of rows) {
        const l = out.get(r.monitor_id)
        if (l) l.push(r)
        else out.set(r.monitor_id, [r])
      }
    }
    return out
  }

  /** Upserts many monitor states in one statement per chunk (what `putMonitorState` does, batched). */
  async putMonitorStates(rows: readonly MonitorStateRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += WRITE_CHUNK)
      await this.db
        .insertInto('monitor_state')
        .values(rows.slice(i, i + WRITE_CHUNK))
        .onConflict((oc) =>
          oc.column('monitor_id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            status_since: eb.ref('excluded.status_since'),
            last_checked_at: eb.ref('excluded.last_checked_at'),
            last_latency_ms: eb.ref('excluded.last_latency_ms'),
            flapping: eb.ref('excluded.flapping'),
            scope: eb.ref('excluded.scope'),
          })),
        )
        .execute()
  }

  /** Upserts many per-probe states in one statement per chunk (what `putProbeState` does, batched). */
  async putProbeStates(rows: readonly ProbeStateRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += WRITE_CHUNK)
      await this.db
        .insertInto('monitor_probe_state')
        .values(rows.slice(i, i + WRITE_CHUNK))
        .onConflict((oc) =>
          oc.columns(['monitor_id', 'probe_id']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            checked_at: eb.ref('excluded.checked_at'),
            since: eb.ref('excluded.since'),
            consecutive_failures: eb.ref('excluded.consecutive_failures'),
            consecutive_successes: eb.ref('excluded.consecutive_successes'),
            counted: eb.ref('excluded.counted'),
            failing_since: eb.ref('excluded.failing_since'),
            changes: eb.ref('excluded.changes'),
          })),
        )
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
