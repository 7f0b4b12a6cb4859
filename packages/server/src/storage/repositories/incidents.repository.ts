import type { Kysely, Selectable } from 'kysely'
import type { RequestContext } from '../../core/context.js'
import type { DB } from '../schema.js'
import { visibleTo } from '../scope.js'

export type IncidentRow = Selectable<DB['incidents']>
export type IncidentEventRow = Selectable<DB['incident_events']>
export type IncidentUpdateRow = Selectable<DB['incident_updates']>
export type NewIncident = Pick<
  IncidentRow,
  | 'id'
  | 'monitor_id'
  | 'cause'
  | 'first_failure_at'
  | 'started_at'
  | 'affected_probe_ids'
  | 'scope'
  | 'suppressed'
  | 'paged_at'
  | 'group_id'
>
export type IncidentGroupRow = Selectable<DB['incident_groups']>

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

  /** The open incident of each of these monitors that has one (one query for a batch). */
  async findOpenFor(monitorIds: readonly string[]): Promise<Map<string, IncidentRow>> {
    const out = new Map<string, IncidentRow>()
    for (let i = 0; i < monitorIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('incidents')
        .selectAll()
        .where('monitor_id', 'in', monitorIds.slice(i, i + 500))
        .where('resolved_at', 'is', null)
        .execute()
      for (const r of rows) out.set(r.monitor_id, r)
    }
    return out
  }

  findById(id: string): Promise<IncidentRow | undefined> {
    return this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** An incident of a monitor the caller may see, with the monitor's owner and name. */
  findVisible(ctx: RequestContext, id: string) {
    return this.db
      .selectFrom('incidents')
      .innerJoin('monitors', 'monitors.id', 'incidents.monitor_id')
      .selectAll('incidents')
      .select(['monitors.owner_id', 'monitors.team_id', 'monitors.name as monitor_name'])
      .where('incidents.id', '=', id)
      .where(visibleTo<'monitors'>(ctx))
      .executeTakeFirst()
  }

  /**
   * Opens an incident unless one is already open. The partial unique index decides, so two
   * writers racing (another replica, say) still end with exactly one open incident.
   */
  async openIfNone(row: NewIncident): Promise<boolean> {
    const r = await this.db
      .insertInto('incidents')
      .values({
        ...row,
        resolved_at: null,
        acked_at: null,
        acked_by: null,
        snooze_until: null,
        postmortem: null,
        updated_at: row.started_at,
      })
      .onConflict((oc) => oc.column('monitor_id').where('resolved_at', 'is', null).doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async update(id: string, patch: Partial<Omit<IncidentRow, 'id' | 'monitor_id'>>): Promise<void> {
    await this.db.updateTable('incidents').set(patch).where('id', '=', id).execute()
  }

  /** Resolves and clears ack and snooze (they belong to the open incident). */
  async resolve(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('incidents')
      .set({ resolved_at: at, updated_at: at, acked_at: null, acked_by: null, snooze_until: null })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  listForMonitor(monitorId: string, opts: { limit: number; resolved?: boolean | undefined }): Promise<IncidentRow[]> {
    let q = this.db.selectFrom('incidents').selectAll().where('monitor_id', '=', monitorId)
    if (opts.resolved === true) q = q.where('resolved_at', 'is not', null)
    if (opts.resolved === false) q = q.where('resolved_at', 'is', null)
    return q.orderBy('started_at', 'desc').limit(opts.limit).execute()
  }

  /** Incidents across the monitors the caller may see, newest first. */
  list(ctx: RequestContext, opts: { limit: number; since: number; resolved?: boolean | undefined }) {
    let q = this.db
      .selectFrom('incidents')
      .innerJoin('monitors', 'monitors.id', 'incidents.monitor_id')
      .selectAll('incidents')
      .select(['monitors.name as monitor_name', 'monitors.owner_id'])
      .where(visibleTo<'monitors'>(ctx))
      .where((eb) => eb.or([eb('incidents.started_at', '>=', opts.since), eb('incidents.resolved_at', 'is', null)]))
    if (opts.resolved === true) q = q.where('incidents.resolved_at', 'is not', null)
    if (opts.resolved === false) q = q.where('incidents.resolved_at', 'is', null)
    return q.orderBy('incidents.started_at', 'desc').limit(opts.limit).execute()
  }

  /** Open incidents that exist without having paged (suppressed): candidates for release. */
  listOpenUnpaged(): Promise<IncidentRow[]> {
    return this.db
      .selectFrom('incidents')
      .selectAll()
      .where('resolved_at', 'is', null)
      .where('paged_at', 'is', null)
      .execute()
  }

  /** Open incidents of this owner's monitors that started at or after `since` (grouping candidates). */
  recentOpenForOwner(ownerId: string, since: number) {
    return this.db
      .selectFrom('incidents')
      .innerJoin('monitors', 'monitors.id', 'incidents.monitor_id')
      .selectAll('incidents')
      .select('monitors.group_id as monitor_group_id')
      .where('monitors.owner_id', '=', ownerId)
      .where('incidents.resolved_at', 'is', null)
      .where('incidents.started_at', '>=', since)
      .orderBy('incidents.started_at')
      .execute()
  }

  async insertGroup(row: IncidentGroupRow): Promise<void> {
    await this.db.insertInto('incident_groups').values(row).execute()
  }

  findGroup(id: string): Promise<IncidentGroupRow | undefined> {
    return this.db.selectFrom('incident_groups').selectAll().where('id', '=', id).executeTakeFirst()
  }

  groupMembers(groupId: string): Promise<IncidentRow[]> {
    return this.db.selectFrom('incidents').selectAll().where('group_id', '=', groupId).orderBy('started_at').execute()
  }

  /** Groups of this owner (all for a superadmin), newest first, with their member counts. */
  listGroups(ctx: RequestContext, opts: { open?: boolean | undefined; limit: number }) {
    let q = this.db
      .selectFrom('incident_groups as g')
      .selectAll('g')
      .select((eb) =>
        eb
          .selectFrom('incidents')
          .whereRef('incidents.group_id', '=', 'g.id')
          .select(eb.fn.countAll<number>().as('n'))
          .as('member_count'),
      )
    if (!ctx.isSuperadmin) q = q.where('g.owner_id', '=', ctx.userId)
    if (opts.open === true) q = q.where('g.resolved_at', 'is', null)
    if (opts.open === false) q = q.where('g.resolved_at', 'is not', null)
    return q.orderBy('g.opened_at', 'desc').limit(opts.limit).execute()
  }

  async updateGroupLeader(id: string, leaderIncidentId: string): Promise<void> {
    await this.db
      .updateTable('incident_groups')
      .set({ leader_incident_id: leaderIncidentId })
      .where('id', '=', id)
      .execute()
  }

  async resolveGroup(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('incident_groups')
      .set({ resolved_at: at })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .execute()
  }

  async addEvent(incidentId: string, at: number, kind: string, data?: Record<string, unknown>): Promise<void> {
    await this.db
      .insertInto('incident_events')
      .values({ incident_id: incidentId, at, kind, data: data ? JSON.stringify(data) : null })
      .execute()
  }

  events(incidentId: string): Promise<IncidentEventRow[]> {
    return this.db
      .selectFrom('incident_events')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('at')
      .orderBy('id')
      .execute()
  }

  async addUpdate(row: IncidentUpdateRow): Promise<void> {
    await this.db.insertInto('incident_updates').values(row).execute()
  }

  updates(incidentId: string): Promise<IncidentUpdateRow[]> {
    return this.db
      .selectFrom('incident_updates')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('created_at')
      .execute()
  }

  async deleteUpdate(incidentId: string, updateId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('incident_updates')
      .where('incident_id', '=', incidentId)
      .where('id', '=', updateId)
      .executeTakeFirst()
    return Number(r.numDeletedRows) === 1
  }
}
