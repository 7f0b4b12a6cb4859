import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type HeartbeatRow = Selectable<DB['heartbeat_monitors']>
export type PingRow = Selectable<DB['heartbeat_pings']>
export type RunRow = Selectable<DB['heartbeat_runs']>

/** Pings and finished runs kept per monitor; older ones are pruned as new ones arrive. */
const KEEP_PINGS = 200
const KEEP_RUNS = 500

/** Heartbeat monitors: their schedule state, the pings they received and the runs they reported. */
export class HeartbeatsRepository {
  constructor(private db: Kysely<DB>) {}

  find(monitorId: string): Promise<HeartbeatRow | undefined> {
    return this.db.selectFrom('heartbeat_monitors').selectAll().where('monitor_id', '=', monitorId).executeTakeFirst()
  }

  findMany(monitorIds: readonly string[]): Promise<HeartbeatRow[]> {
    if (monitorIds.length === 0) return Promise.resolve([])
    return this.db
      .selectFrom('heartbeat_monitors')
      .selectAll()
      .where('monitor_id', 'in', [...monitorIds])
      .execute()
  }

  /** The heartbeat behind a ping URL, with its monitor's enabled flag and kind. */
  findBySlug(slug: string) {
    return this.db
      .selectFrom('heartbeat_monitors')
      .innerJoin('monitors', 'monitors.id', 'heartbeat_monitors.monitor_id')
      .selectAll('heartbeat_monitors')
      .select(['monitors.enabled', 'monitors.check_type'])
      .where('heartbeat_monitors.slug', '=', slug)
      .executeTakeFirst()
  }

  async insert(row: HeartbeatRow): Promise<void> {
    await this.db.insertInto('heartbeat_monitors').values(row).execute()
  }

  async update(monitorId: string, patch: Partial<Omit<HeartbeatRow, 'monitor_id' | 'slug' | 'created_at'>>) {
    await this.db.updateTable('heartbeat_monitors').set(patch).where('monitor_id', '=', monitorId).execute()
  }

  /** Deadlines to arm at start: enabled heartbeat monitors with something to wait for. */
  listDue(): Promise<{ monitor_id: string; due_at: number }[]> {
    return this.db
      .selectFrom('heartbeat_monitors')
      .innerJoin('monitors', 'monitors.id', 'heartbeat_monitors.monitor_id')
      .select(['heartbeat_monitors.monitor_id', 'heartbeat_monitors.due_at'])
      .where('monitors.enabled', '=', 1)
      .where('monitors.check_type', '=', 'heartbeat')
      .where('heartbeat_monitors.due_at', 'is not', null)
      .execute() as Promise<{ monitor_id: string; due_at: number }[]>
  }

  /** Forgets a heartbeat (the monitor changed kind): its state, pings and runs. */
  async remove(monitorId: string): Promise<void> {
    await this.db.deleteFrom('heartbeat_pings').where('monitor_id', '=', monitorId).execute()
    await this.db.deleteFrom('heartbeat_runs').where('monitor_id', '=', monitorId).execute()
    await this.db.deleteFrom('heartbeat_monitors').where('monitor_id', '=', monitorId).execute()
  }

  async insertPing(row: Insertable<DB['heartbeat_pings']>): Promise<number> {
    const r = await this.db.insertInto('heartbeat_pings').values(row).returning('id').executeTakeFirstOrThrow()
    await this.prune('heartbeat_pings', row.monitor_id, KEEP_PINGS)
    return Number(r.id)
  }

  async setPingDuration(id: number, durationMs: number): Promise<void> {
    await this.db.updateTable('heartbeat_pings').set({ duration_ms: durationMs }).where('id', '=', id).execute()
  }

  listPings(monitorId: string, limit: number): Promise<PingRow[]> {
    return this.db
      .selectFrom('heartbeat_pings')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
  }

  async insertRun(row: RunRow): Promise<void> {
    await this.db.insertInto('heartbeat_runs').values(row).execute()
    await this.prune('heartbeat_runs', row.monitor_id, KEEP_RUNS)
  }

  async updateRun(id: string, patch: Partial<Omit<RunRow, 'id' | 'monitor_id'>>): Promise<void> {
    await this.db.updateTable('heartbeat_runs').set(patch).where('id', '=', id).execute()
  }

  /** Runs that have not finished: still running, or timed out but still able to finish late. */
  unfinishedRuns(monitorId: string): Promise<RunRow[]> {
    return this.db
      .selectFrom('heartbeat_runs')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .where('finished_at', 'is', null)
      .where('outcome', 'in', ['running', 'timeout'])
      .orderBy('started_at', 'desc')
      .execute()
  }

  /** Ends every run still going (pause or kind change): they can no longer finish or time out. */
  async resetRuns(monitorId: string): Promise<void> {
    await this.db
      .updateTable('heartbeat_runs')
      .set({ outcome: 'reset' })
      .where('monitor_id', '=', monitorId)
      .where('outcome', 'in', ['running', 'timeout'])
      .execute()
  }

  listRuns(monitorId: string, limit: number): Promise<RunRow[]> {
    return this.db
      .selectFrom('heartbeat_runs')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
  }

  /** Keeps the newest `keep` rows of a monitor (ids of pings grow; run ids are time-ordered UUIDv7). */
  private async prune(table: 'heartbeat_pings' | 'heartbeat_runs', monitorId: string, keep: number): Promise<void> {
    const cutoff = await this.db
      .selectFrom(table)
      .select('id')
      .where('monitor_id', '=', monitorId)
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst()
    if (!cutoff) return
    await this.db
      .deleteFrom(table)
      .where('monitor_id', '=', monitorId)
      .where('id', '<=', cutoff.id as never)
      .execute()
  }
}
