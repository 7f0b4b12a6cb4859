import { type Kysely, type Selectable, sql } from 'kysely'
import type { DB, MetricRollupTable } from '../schema.js'
import { bucketOf } from '../timeseries/buckets.js'

export type MetricSeriesRow = Selectable<DB['metric_series']>
export interface MetricPoint {
  at: number
  value: number
}

/**
 * Custom push metrics: raw points (kept DATA_RETENTION_DAYS) plus hourly and daily rollups that
 * are updated in the same transaction, so summaries and long charts never scan raw points.
 */
export class MetricsRepository {
  constructor(private db: Kysely<DB>) {}

  async push(monitorId: string, name: string, unit: string | null, p: MetricPoint, now: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('metric_series')
        .values({ monitor_id: monitorId, name, unit, created_at: now, last_value: null, last_at: null })
        .onConflict((oc) => oc.columns(['monitor_id', 'name']).doNothing())
        .execute()
      const s = await tx
        .selectFrom('metric_series')
        .select(['id', 'last_at'])
        .where('monitor_id', '=', monitorId)
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
      const ins = await tx
        .insertInto('metric_points')
        .values({ metric: s.id, at: p.at, value: p.value })
        .onConflict((oc) => oc.columns(['metric', 'at']).doNothing())
        .executeTakeFirst()
      // The same point pushed twice (a client retry) is stored and counted once.
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return
      const newest = s.last_at === null || p.at >= s.last_at
      await tx
        .updateTable('metric_series')
        .set({
          ...(unit !== null ? { unit } : {}),
          ...(newest ? { last_value: p.value, last_at: p.at } : {}),
        })
        .where('id', '=', s.id)
        .execute()
      for (const tier of ['1h', '1d'] as const) {
        const table = `metric_rollup_${tier}` as const
        const ref = (c: string) => sql.ref(`${table}.${c}`)
        await tx
          .insertInto(table as 'metric_rollup_1h')
          .values({ metric: s.id, bucket: bucketOf(p.at, tier), n: 1, sum: p.value, min: p.value, max: p.value })
          .onConflict((oc) =>
            oc.columns(['metric', 'bucket']).doUpdateSet({
              n: sql`${ref('n')} + 1`,
              sum: sql`${ref('sum')} + excluded.sum`,
              min: sql`case when excluded.min < ${ref('min')} then excluded.min else ${ref('min')} end`,
              max: sql`case when excluded.max > ${ref('max')} then excluded.max else ${ref('max')} end`,
            }),
          )
          .execute()
      }
    })
  }

  listSeries(monitorId: string): Promise<MetricSeriesRow[]> {
    return this.db.selectFrom('metric_series').selectAll().where('monitor_id', '=', monitorId).orderBy('name').execute()
  }

  async points(
    metricIds: readonly number[],
    opts: { from: number; to: number; limit: number },
  ): Promise<(MetricPoint & { metric: number })[]> {
    if (metricIds.length === 0) return []
    return this.db
      .selectFrom('metric_points')
      .select(['metric', 'at', 'value'])
      .where('metric', 'in', [...metricIds])
      .where('at', '>=', opts.from)
      .where('at', '<', opts.to)
      .orderBy('at', 'desc')
      .limit(opts.limit)
      .execute()
  }

  rollups(
    metricIds: readonly number[],
    tier: '1h' | '1d',
    from: number,
    to: number,
  ): Promise<Selectable<MetricRollupTable>[]> {
    if (metricIds.length === 0 || to <= from) return Promise.resolve([])
    return this.db
      .selectFrom(`metric_rollup_${tier}` as 'metric_rollup_1h')
      .selectAll()
      .where('metric', 'in', [...metricIds])
      .where('bucket', '>=', from)
      .where('bucket', '<', to)
      .orderBy('bucket')
      .execute()
  }
}
