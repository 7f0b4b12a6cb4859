import type { Kysely, Selectable } from 'kysely'
import type { RequestContext } from '../../core/context.js'
import type { DB } from '../schema.js'

export type MaintenanceRow = Selectable<DB['maintenance_windows']>
export type SilenceRow = Selectable<DB['alert_silences']>

/** Maintenance windows, silences and monitor dependencies: what suppresses paging. */
export class MaintenanceRepository {
  constructor(private db: Kysely<DB>) {}

  /**
   * Windows that can cover a monitor: on the monitor itself, on the group it is in now (membership
   * is read at evaluation time), on tags it carries now (every label of the selector, windows of
   * its own owner only), or owner-wide (no monitor, group nor tags).
   */
  async forMonitor(monitorId: string, ownerId: string): Promise<MaintenanceRow[]> {
    const rows = await this.db
      .selectFrom('maintenance_windows')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('monitor_id', '=', monitorId),
          eb('group_id', 'in', eb.selectFrom('monitors').select('group_id').where('id', '=', monitorId)),
          eb.and([eb('monitor_id', 'is', null), eb('group_id', 'is', null), eb('owner_id', '=', ownerId)]),
        ]),
      )
      .execute()
    return this.matchingTags(rows, monitorId, ownerId)
  }

  /**
   * Keeps the rows that cover the monitor: untagged rows as they are, tag-selector rows of the
   * monitor's owner when the monitor carries every label now.
   */
  private async matchingTags<R extends { tags: string | null; owner_id: string }>(
    rows: R[],
    monitorId: string,
    ownerId: string,
  ): Promise<R[]> {
    if (!rows.some((r) => r.tags !== null)) return rows
    const labels = await this.labelsOf(monitorId)
    return rows.filter((r) => {
      if (r.tags === null) return true
      const wanted = JSON.parse(r.tags) as string[]
      return r.owner_id === ownerId && wanted.length > 0 && wanted.every((w) => labels.has(w))
    })
  }

  /** The labels (`key:value` or `key`) a monitor carries now. */
  private async labelsOf(monitorId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('monitor_tags')
      .innerJoin('tags', 'tags.id', 'monitor_tags.tag_id')
      .select(['tags.key', 'tags.value'])
      .where('monitor_tags.monitor_id', '=', monitorId)
      .execute()
    return new Set(rows.map((l) => (l.value === '' ? l.key : `${l.key}:${l.value}`)))
  }

  list(ctx: RequestContext): Promise<MaintenanceRow[]> {
    let q = this.db.selectFrom('maintenance_windows').selectAll()
    if (!ctx.isSuperadmin) q = q.where('owner_id', '=', ctx.userId)
    return q.orderBy('created_at', 'desc').execute()
  }

  all(): Promise<MaintenanceRow[]> {
    return this.db.selectFrom('maintenance_windows').selectAll().execute()
  }

  findById(id: string): Promise<MaintenanceRow | undefined> {
    return this.db.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async insert(row: MaintenanceRow): Promise<void> {
    await this.db.insertInto('maintenance_windows').values(row).execute()
  }

  async update(id: string, patch: Partial<Omit<MaintenanceRow, 'id' | 'owner_id'>>): Promise<void> {
    await this.db.updateTable('maintenance_windows').set(patch).where('id', '=', id).execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('maintenance_windows').where('id', '=', id).execute()
  }

  listSilences(ctx: RequestContext): Promise<SilenceRow[]> {
    let q = this.db.selectFrom('alert_silences').selectAll()
    if (!ctx.isSuperadmin) q = q.where('owner_id', '=', ctx.userId)
    return q.orderBy('starts_at', 'desc').execute()
  }

  /**
   * Silences active at `at` for this owner that cover the monitor: on it, on tags it carries now
   * (every label of the selector), or on all of the owner's monitors.
   */
  async activeSilences(ownerId: string, monitorId: string, at: number): Promise<SilenceRow[]> {
    const rows = await this.db
      .selectFrom('alert_silences')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .where((eb) => eb.or([eb('monitor_id', 'is', null), eb('monitor_id', '=', monitorId)]))
      .execute()
    return this.matchingTags(rows, monitorId, ownerId)
  }

  findSilence(id: string): Promise<SilenceRow | undefined> {
    return this.db.selectFrom('alert_silences').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async insertSilence(row: SilenceRow): Promise<void> {
    await this.db.insertInto('alert_silences').values(row).execute()
  }

  async updateSilence(id: string, patch: Partial<Omit<SilenceRow, 'id' | 'owner_id'>>): Promise<void> {
    await this.db.updateTable('alert_silences').set(patch).where('id', '=', id).execute()
  }

  async deleteSilence(id: string): Promise<void> {
    await this.db.deleteFrom('alert_silences').where('id', '=', id).execute()
  }

  parents(childId: string): Promise<{ parent_id: string }[]> {
    return this.db.selectFrom('monitor_dependencies').select('parent_id').where('child_id', '=', childId).execute()
  }

  children(parentId: string): Promise<{ child_id: string }[]> {
    return this.db.selectFrom('monitor_dependencies').select('child_id').where('parent_id', '=', parentId).execute()
  }

  allEdges(): Promise<{ parent_id: string; child_id: string }[]> {
    return this.db.selectFrom('monitor_dependencies').select(['parent_id', 'child_id']).execute()
  }

  async addEdge(parentId: string, childId: string, at: number): Promise<boolean> {
    const r = await this.db
      .insertInto('monitor_dependencies')
      .values({ parent_id: parentId, child_id: childId, created_at: at })
      .onConflict((oc) => oc.columns(['parent_id', 'child_id']).doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async removeEdge(parentId: string, childId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('monitor_dependencies')
      .where('parent_id', '=', parentId)
      .where('child_id', '=', childId)
      .executeTakeFirst()
    return Number(r.numDeletedRows) === 1
  }

  /** Monitors (among `ids`) that have an open incident. */
  async withOpenIncident(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set()
    const rows = await this.db
      .selectFrom('incidents')
      .select('monitor_id')
      .where('monitor_id', 'in', [...ids])
      .where('resolved_at', 'is', null)
      .execute()
    return new Set(rows.map((r) => r.monitor_id))
  }
}
