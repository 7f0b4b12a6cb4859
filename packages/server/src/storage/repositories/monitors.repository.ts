import type { Kysely, Selectable } from 'kysely'
import type { RequestContext } from '../../core/context.js'
import type { DB } from '../schema.js'
import { visibleTo } from '../scope.js'

export type MonitorRow = Selectable<DB['monitors']>
export type MonitorWithState = MonitorRow & {
  status: string | null
  status_since: number | null
  last_checked_at: number | null
  last_latency_ms: number | null
}

export interface MonitorListFilter {
  limit: number
  offset: number
  enabled?: boolean | undefined
  q?: string | undefined
}

export class MonitorsRepository {
  constructor(private db: Kysely<DB>) {}

  private withState() {
    return this.db
      .selectFrom('monitors')
      .leftJoin('monitor_state', 'monitor_state.monitor_id', 'monitors.id')
      .selectAll('monitors')
      .select([
        'monitor_state.status',
        'monitor_state.status_since',
        'monitor_state.last_checked_at',
        'monitor_state.last_latency_ms',
      ])
  }

  async insert(row: MonitorRow): Promise<void> {
    await this.db.insertInto('monitors').values(row).execute()
  }

  findVisible(ctx: RequestContext, id: string): Promise<MonitorWithState | undefined> {
    return this.withState().where('monitors.id', '=', id).where(visibleTo(ctx)).executeTakeFirst()
  }

  async list(ctx: RequestContext, f: MonitorListFilter): Promise<{ rows: MonitorWithState[]; total: number }> {
    let q = this.db.selectFrom('monitors').where(visibleTo(ctx))
    if (f.enabled !== undefined) q = q.where('enabled', '=', f.enabled ? 1 : 0)
    if (f.q) {
      // Wildcards are dropped rather than escaped: ESCAPE syntax differs between the dialects.
      const like = `%${f.q.toLowerCase().replace(/[%_]/g, '')}%`
      q = q.where((eb) =>
        eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb(eb.fn('lower', ['url']), 'like', like)]),
      )
    }
    const [countRow, ids] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q.select('id').orderBy('name').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    ])
    if (ids.length === 0) return { rows: [], total: Number(countRow.n) }
    const rows = await this.withState()
      .where(
        'monitors.id',
        'in',
        ids.map((r) => r.id),
      )
      .orderBy('monitors.name')
      .orderBy('monitors.id')
      .execute()
    return { rows, total: Number(countRow.n) }
  }

  async update(id: string, patch: Partial<Omit<MonitorRow, 'id' | 'owner_id' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('monitors').set(patch).where('id', '=', id).execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('monitors').where('id', '=', id).execute()
  }

  /** Enabled monitors a probe of this network type must run, in a stable order. */
  listAssignable(networkType: string, kinds: readonly string[]): Promise<MonitorRow[]> {
    return this.db
      .selectFrom('monitors')
      .selectAll()
      .where('enabled', '=', 1)
      .where('check_type', 'in', [...kinds])
      .where('network_scope', 'in', ['all', networkType])
      .orderBy('id')
      .execute()
  }

  findManyByIds(ids: readonly string[]): Promise<MonitorRow[]> {
    if (ids.length === 0) return Promise.resolve([])
    return this.db
      .selectFrom('monitors')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute()
  }
}
