import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import {
  AnnotationBody,
  AnnotationOut,
  AnnotationParams,
  AnnotationsQuery,
  AnomalyOut,
  AnomalyQuery,
  BaselineOut,
  HistoryQuery,
  HistoryRow,
  IdParams,
  ListStatsOut,
  ListStatsQuery,
  MetricBody,
  MetricParams,
  MetricPointOut,
  MetricSeriesOut,
  MetricSeriesQuery,
  MetricSummaryOut,
  MetricSummaryQuery,
  MetricsQuery,
  PercentileRow,
  PercentilesQuery,
  ReportQuery,
  SeriesOut,
  SeriesQuery,
  SloBody,
  SloOut,
  StorageStatusOut,
  TrendOut,
  UptimeOut,
  WindowQuery,
} from './analytics.schemas.js'
import { createAnnotation, deleteAnnotation, listAnnotations } from './annotations.service.js'
import { listStatsVisible } from './list-stats.service.js'
import { listMetricPoints, metricSeries, metricSummary, pushMetric } from './metrics.service.js'
import { getAnomaly, getBaseline, getTrend } from './performance.service.js'
import { countIngestion, exposition, metricsAccess } from './prometheus.service.js'
import { reportCsv, reportHtml } from './report.js'
import { getReport } from './report.service.js'
import { deleteSlo, getSlo, putSlo } from './slo.service.js'
import { getStorageStatus } from './storage-status.service.js'
import { getHistory, getPercentiles, getSeries, getUptime } from './uptime.service.js'

const tags = ['analytics']

/** /api/v1/monitors/{id}/… analytics. Every route 404s for a monitor the caller cannot see. */
function monitorAnalyticsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    app.get(
      '/:id/uptime',
      {
        schema: {
          tags,
          summary: 'Consensus uptime and latency over any window (rollups only)',
          params: IdParams,
          querystring: WindowQuery,
          response: { 200: UptimeOut },
        },
      },
      async (req) => getUptime(deps, req.ctx, req.params.id, req.query),
    )
    app.get(
      '/:id/history',
      {
        schema: {
          tags,
          summary: 'Daily consensus uptime (UTC days)',
          params: IdParams,
          querystring: HistoryQuery,
          response: { 200: z.array(HistoryRow) },
        },
      },
      async (req) => getHistory(deps, req.ctx, req.params.id, req.query.days),
    )
    app.get(
      '/:id/percentiles',
      {
        schema: {
          tags,
          summary: 'Hourly p50/p95/p99 latency',
          params: IdParams,
          querystring: PercentilesQuery,
          response: { 200: z.array(PercentileRow) },
        },
      },
      async (req) => getPercentiles(deps, req.ctx, req.params.id, req.query.hours),
    )
    app.get(
      '/:id/series',
      {
        schema: {
          tags,
          summary: 'Chart points (checks, uptime, latency, timing phases) at 1 m, 1 h or 1 d steps',
          params: IdParams,
          querystring: SeriesQuery,
          response: { 200: SeriesOut },
        },
      },
      async (req) => getSeries(deps, req.ctx, req.params.id, req.query),
    )
    app.get(
      '/:id/slo',
      { schema: { tags, summary: 'SLO, error budget and burn rates', params: IdParams, response: { 200: SloOut } } },
      async (req) => getSlo(deps, req.ctx, req.params.id),
    )
    app.put(
      '/:id/slo',
      {
        schema: {
          tags,
          summary: 'Set the SLO target and window',
          params: IdParams,
          body: SloBody,
          response: { 200: SloOut },
        },
      },
      async (req) => putSlo(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/:id/slo', { schema: { tags, summary: 'Remove the SLO', params: IdParams } }, async (req, reply) => {
      await deleteSlo(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
    app.get(
      '/:id/report',
      {
        schema: {
          tags,
          summary: 'SLA report for [from, to): JSON, CSV (format=csv) or printable HTML (format=html)',
          params: IdParams,
          querystring: ReportQuery,
        },
      },
      async (req, reply) => {
        const report = await getReport(deps, req.ctx, req.params.id, req.query)
        const name = `sla-${report.monitor_id}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}`
        switch (req.query.format) {
          case 'csv':
            return reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', `attachment; filename="${name}.csv"`)
              .send(reportCsv(report))
          case 'html':
            return reply.type('text/html; charset=utf-8').send(reportHtml(report))
          case 'json':
            return reply.send(report)
        }
      },
    )
    app.get(
      '/:id/anomaly',
      {
        schema: {
          tags,
          summary: 'z-score of the latest latency against the same time of day over 7 days',
          params: IdParams,
          querystring: AnomalyQuery,
          response: { 200: AnomalyOut },
        },
      },
      async (req) => getAnomaly(deps, req.ctx, req.params.id, req.query.threshold),
    )
    app.get(
      '/:id/baseline',
      { schema: { tags, summary: '7-day latency baseline', params: IdParams, response: { 200: BaselineOut } } },
      async (req) => getBaseline(deps, req.ctx, req.params.id),
    )
    app.get(
      '/:id/trend',
      {
        schema: {
          tags,
          summary: 'Latency of the last 6 h against the 6 h before',
          params: IdParams,
          response: { 200: TrendOut },
        },
      },
      async (req) => getTrend(deps, req.ctx, req.params.id),
    )
    app.get(
      '/:id/annotations',
      {
        schema: {
          tags,
          summary: 'Timeline annotations, newest first',
          params: IdParams,
          querystring: AnnotationsQuery,
          response: { 200: z.array(AnnotationOut) },
        },
      },
      async (req) => listAnnotations(deps, req.ctx, req.params.id, req.query),
    )
    app.post(
      '/:id/annotations',
      { schema: { tags, params: IdParams, body: AnnotationBody, response: { 201: AnnotationOut } } },
      async (req, reply) => reply.code(201).send(await createAnnotation(deps, req.ctx, req.params.id, req.body)),
    )
    app.delete('/:id/annotations/:aid', { schema: { tags, params: AnnotationParams } }, async (req, reply) => {
      await deleteAnnotation(deps, req.ctx, req.params.id, req.params.aid)
      return reply.code(204).send()
    })
  }
}

/** /api/v1/metrics/{monitor_id}: custom push metrics. */
function customMetricRoutes(deps: Deps): FastifyPluginAsyncZod {
  const mt = ['metrics']
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    app.post(
      '/:monitor_id',
      {
        schema: {
          tags: mt,
          summary: 'Push a point',
          params: MetricParams,
          body: MetricBody,
          response: { 201: MetricPointOut },
        },
      },
      async (req, reply) => reply.code(201).send(await pushMetric(deps, req.ctx, req.params.monitor_id, req.body)),
    )
    app.get(
      '/:monitor_id',
      {
        schema: {
          tags: mt,
          summary: 'Raw points, newest first',
          params: MetricParams,
          querystring: MetricsQuery,
          response: { 200: z.array(MetricPointOut) },
        },
      },
      async (req) => listMetricPoints(deps, req.ctx, req.params.monitor_id, req.query),
    )
    app.get(
      '/:monitor_id/summary',
      {
        schema: {
          tags: mt,
          summary: 'Per metric: count, min, max, avg over a window (rollups), last value',
          params: MetricParams,
          querystring: MetricSummaryQuery,
          response: { 200: z.array(MetricSummaryOut) },
        },
      },
      async (req) => metricSummary(deps, req.ctx, req.params.monitor_id, req.query.hours),
    )
    app.get(
      '/:monitor_id/series',
      {
        schema: {
          tags: mt,
          summary: 'Chart points of one metric (hourly, or daily beyond 31 days)',
          params: MetricParams,
          querystring: MetricSeriesQuery,
          response: { 200: MetricSeriesOut },
        },
      },
      async (req) => metricSeries(deps, req.ctx, req.params.monitor_id, req.query),
    )
  }
}

/** /api/v1/analytics/monitors (list statistics) and /api/v1/storage (status and notice). */
function sharedRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (v1) => {
    v1.addHook('preValidation', requireUser(deps))
    v1.get(
      '/analytics/monitors',
      {
        schema: {
          tags,
          summary: '24 h uptime, p95 and hourly sparkline for a page of monitors (ids=a,b,c)',
          querystring: ListStatsQuery,
          response: { 200: ListStatsOut },
        },
      },
      async (req) => listStatsVisible(deps, req.ctx, req.query.ids.split(',').filter(Boolean)),
    )
    v1.get(
      '/storage',
      {
        schema: {
          tags: ['storage'],
          summary: 'Database size, budget, retention and the notice to show',
          response: { 200: StorageStatusOut },
        },
      },
      async () => getStorageStatus(deps),
    )
  }
}

/**
 * Everything analytics serves: monitor analytics, custom metrics, list statistics, the storage
 * status (with the size-budget notice for the UI) and the Prometheus exposition at /metrics.
 */
export function analyticsPlugin(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    countIngestion(deps)
    await app.register(monitorAnalyticsRoutes(deps), { prefix: '/api/v1/monitors' })
    await app.register(customMetricRoutes(deps), { prefix: '/api/v1/metrics' })
    await app.register(sharedRoutes(deps), { prefix: '/api/v1' })
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      const access = metricsAccess(deps, req.headers.authorization)
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await exposition(deps, access))
    })
  }
}
