import type { Kysely, Selectable } from 'kysely'
import type { RequestContext } from '../../core/context.js'
import type { DB } from '../schema.js'
import { visibleTo } from '../scope.js'

export type SloRow = Selectable<DB['slo_targets']>
export type AnnotationRow = Selectable<DB['annotations']>
export interface IncidentSpan {
  id: string
  first_failure_at: number
  started_at: number
  resolved_at: number | null
  cause: string | null
}

/** SLO targets, annotations and the incident facts reports need. */
export class AnalyticsRepository {
  constructor(private db: Kysely<DB>) {}

  getSlo(monitorId: string): Promise<SloRow | undefined> {
    return this.db.selectFrom('slo_targets').selectAll().where('monitor_id', '=', monitorId).executeTakeFirst()
  }

  listSlos(monitorIds?: readonly string[]): Promise<SloRow[]> {
    let q = this.db.selectFrom('slo_targets').selectAll()
    if (monitorIds) {
      if (monitorIds.length === 0) return Promise.resolve([])
      q = q.where('monitor_id', 'in', [...monitorIds])
    }
    return q.execute()
  }

  async putSlo(row: SloRow): Promise<void> {
    await this.db
      .insertInto('slo_targets')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('monitor_id')
          .doUpdateSet({ target: row.target, window_days: row.window_days, updated_at: row.updated_at }),
      )
      .execute()
  }

  async deleteSlo(monitorId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('slo_targets').where('monitor_id', '=', monitorId).executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  }

  listAnnotations(monitorId: string, opts: { from?: number; to?: number; limit: number }): Promise<AnnotationRow[]> {
    let q = this.db.selectFrom('annotations').selectAll().where('monitor_id', '=', monitorId)
    if (opts.from !== undefined) q = q.where('annotated_at', '>=', opts.from)
    if (opts.to !== undefined) q = q.where('annotated_at', '<', opts.to)
    return q.orderBy('annotated_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute()
  }

  async insertAnnotation(row: AnnotationRow): Promise<void> {
    await this.db.insertInto('annotations').values(row).execute()
  }

  async deleteAnnotation(monitorId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('annotations')
      .where('monitor_id', '=', monitorId)
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  }

  /** The subset of `ids` the caller may see, through the one scoped-query helper. */
  async visibleMonitors(
    ctx: RequestContext,
    ids: readonly string[],
  ): Promise<{ id: string; name: string; owner_id: string; team_id: string | null; interval_seconds: number }[]> {
    if (ids.length === 0) return []
    return this.db
      .selectFrom('monitors')
      .select(['id', 'name', 'owner_id', 'team_id', 'interval_seconds'])
      .where('id', 'in', [...ids])
      .where(visibleTo(ctx))
      .execute()
  }

  /** Every monitor with its live state (for the Prometheus exposition). */
  allMonitorsWithState() {
    return this.db
      .selectFrom('monitors')
      .leftJoin('monitor_state', 'monitor_state.monitor_id', 'monitors.id')
      .select([
        'monitors.id',
        'monitors.name',
        'monitors.check_type',
        'monitors.enabled',
        'monitors.interval_seconds',
        'monitor_state.status',
        'monitor_state.last_latency_ms',
      ])
      .orderBy('monitors.id')
      .execute()
  }

  /** Changes whenever a maintenance window is added, changed or removed (a cache key). */
  async maintenanceVersion(): Promise<string> {
    const r = await this.db
      .selectFrom('maintenance_windows')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('u')])
      .executeTakeFirst()
    return `${r?.n ?? 0}:${r?.u ?? 0}`
  }

  /** Incidents that started in [from, to) or were still open at `from` (both count in a report). */
  incidentsOverlapping(monitorId: string, from: number, to: number): Promise<IncidentSpan[]> {
    return this.db
      .selectFrom('incidents')
      .select(['id', 'first_failure_at', 'started_at', 'resolved_at', 'cause'])
      .where('monitor_id', '=', monitorId)
      .where('started_at', '<', to)
      .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', from)]))
      .orderBy('started_at')
      .execute()
  }
}
