import type { Kysely, Selectable } from 'kysely'
import type { RequestContext } from '../../core/context.js'
import type { DB } from '../schema.js'
import { visibleTo } from '../scope.js'

export type MonitorRow = Selectable<DB['monitors']>
/** A new monitor: ungrouped unless said otherwise. */
export type MonitorInsert = Omit<MonitorRow, 'group_id'> & { group_id?: string | null }
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
  /** Any of these states; `paused` is a disabled monitor whatever its last state. */
  status?: readonly string[] | undefined
  /** Any of these kinds. */
  kind?: readonly string[] | undefined
  /** A group id, or 'none' for ungrouped monitors. */
  groupId?: string | undefined
  /** Every one of these tags (`value` '' for a bare key), matched by label on the monitor's owner's tags. */
  tags?: readonly { key: string; value: string }[] | undefined
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

  async insert(row: MonitorInsert): Promise<void> {
    await this.db
      .insertInto('monitors')
      .values({ ...row, group_id: row.group_id ?? null })
      .execute()
  }

  findVisible(ctx: RequestContext, id: string): Promise<MonitorWithState | undefined> {
    return this.withState().where('monitors.id', '=', id).where(visibleTo(ctx)).executeTakeFirst()
  }

  /** The monitors among `ids` this caller can see (missing and invisible ids are simply absent). */
  findManyVisible(ctx: RequestContext, ids: readonly string[]): Promise<MonitorWithState[]> {
    if (ids.length === 0) return Promise.resolve([])
    return this.withState()
      .where('monitors.id', 'in', [...ids])
      .where(visibleTo(ctx))
      .execute()
  }

  /**
   * One page of visible monitors, ordered by name, and the total matching the filters. Filters are
   * plain predicates on indexed columns (owner, group, kind), `IN` sub-selects driven from
   * monitor_tags(tag_id, monitor_id) for tags, and a primary-key look-up of monitor_state only
   * when filtering by status, so the count and the page stay cheap at 10,000 monitors.
   */
  async list(ctx: RequestContext, f: MonitorListFilter): Promise<{ rows: MonitorWithState[]; total: number }> {
    let q = this.db.selectFrom('monitors').where(visibleTo(ctx))
    if (f.enabled !== undefined) q = q.where('monitors.enabled', '=', f.enabled ? 1 : 0)
    if (f.q) {
      // Wildcards are dropped rather than escaped: ESCAPE syntax differs between the dialects.
      const like = `%${f.q.toLowerCase().replace(/[%_]/g, '')}%`
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['monitors.name']), 'like', like),
          eb(eb.fn('lower', ['monitors.url']), 'like', like),
        ]),
      )
    }
    if (f.kind && f.kind.length > 0) q = q.where('monitors.check_type', 'in', [...f.kind])
    if (f.groupId === 'none') q = q.where('monitors.group_id', 'is', null)
    else if (f.groupId !== undefined) q = q.where('monitors.group_id', '=', f.groupId)
    if (f.status && f.status.length > 0) {
      const states = f.status.filter((s) => s !== 'paused')
      const paused = f.status.includes('paused')
      q = q.where((eb) => {
        // A monitor without a state row yet is unknown.
        const state = eb.fn.coalesce(
          eb
            .selectFrom('monitor_state')
            .select('monitor_state.status')
            .whereRef('monitor_state.monitor_id', '=', 'monitors.id'),
          eb.val('unknown'),
        )
        const live = eb.and([eb('monitors.enabled', '=', 1), eb(state, 'in', states.length > 0 ? states : [''])])
        return paused ? eb.or([eb('monitors.enabled', '=', 0), live]) : live
      })
    }
    // Driven from the tag side (ix_monitor_tags_tag): a monitor only carries its owner's tags.
    for (const t of f.tags ?? []) {
      q = q.where('monitors.id', 'in', (eb) =>
        eb
          .selectFrom('monitor_tags')
          .innerJoin('tags', 'tags.id', 'monitor_tags.tag_id')
          .select('monitor_tags.monitor_id')
          .where('tags.key', '=', t.key)
          .where('tags.value', '=', t.value),
      )
    }
    const [countRow, ids] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q.select('monitors.id').orderBy('monitors.name').orderBy('monitors.id').limit(f.limit).offset(f.offset).execute(),
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

  /** Pauses or resumes these monitors in one statement. */
  async setEnabledMany(ids: readonly string[], enabled: boolean, now: number): Promise<void> {
    if (ids.length === 0) return
    await this.db
      .updateTable('monitors')
      .set({ enabled: enabled ? 1 : 0, updated_at: now })
      .where('id', 'in', [...ids])
      .execute()
  }

  /** Moves these monitors into a group (null: out of any group) in one statement. */
  async setGroupMany(ids: readonly string[], groupId: string | null, now: number): Promise<void> {
    if (ids.length === 0) return
    await this.db
      .updateTable('monitors')
      .set({ group_id: groupId, updated_at: now })
      .where('id', 'in', [...ids])
      .execute()
  }

  /** Deletes these monitors in one statement (their results, states and links cascade). */
  async deleteMany(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return
    await this.db
      .deleteFrom('monitors')
      .where('id', 'in', [...ids])
      .execute()
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
