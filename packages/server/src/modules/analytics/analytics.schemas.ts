import { z } from 'zod'

export const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
export const AnnotationParams = z.strictObject({ id: z.string().min(1).max(64), aid: z.string().min(1).max(64) })
export const MetricParams = z.strictObject({ monitor_id: z.string().min(1).max(64) })

const isoTime = z.iso.datetime({ offset: true })

/** A window: `hours` back from now (default), or explicit `from`/`to` (ISO-8601). */
export const WindowQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366 * 5)
    .optional(),
  /** Alias of the reference API. */
  period_hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366 * 5)
    .optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
})
export type WindowQueryIn = z.infer<typeof WindowQuery>

const Minutes = z.object({
  measured: z.number(),
  up: z.number(),
  degraded: z.number(),
  down: z.number(),
  maint: z.number(),
})
const Latency = z.object({
  count: z.number(),
  avg_ms: z.number().nullable(),
  min_ms: z.number().nullable(),
  max_ms: z.number().nullable(),
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  p99_ms: z.number().nullable(),
  stddev_ms: z.number().nullable(),
})

export const UptimeOut = z.object({
  monitor_id: z.string(),
  from: z.string(),
  to: z.string(),
  /** Finest tier used at the window's edges: minute within 48 h, hour within 90 d, day beyond. */
  precision: z.enum(['1m', '1h', '1d']),
  uptime_percent: z.number(),
  internal_uptime_percent: z.number().nullable(),
  external_uptime_percent: z.number().nullable(),
  headline_view: z.enum(['internal', 'external']).nullable(),
  minutes: Minutes,
  downtime_minutes: z.number(),
  total_checks: z.number(),
  up_checks: z.number(),
  degraded_checks: z.number(),
  down_checks: z.number(),
  avg_response_time_ms: z.number().nullable(),
  p95_response_time_ms: z.number().nullable(),
  latency: Latency,
})
export type UptimeDto = z.infer<typeof UptimeOut>

export const HistoryQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(90) })
export const HistoryRow = z.object({
  date: z.string(),
  total: z.number(),
  up_count: z.number(),
  degraded_minutes: z.number(),
  down_minutes: z.number(),
  maintenance_minutes: z.number(),
  uptime_percent: z.number(),
  internal_uptime_percent: z.number().nullable(),
  external_uptime_percent: z.number().nullable(),
  avg_response_time_ms: z.number().nullable(),
  p95_response_time_ms: z.number().nullable(),
  checks: z.number(),
})

export const PercentilesQuery = z.strictObject({ hours: z.coerce.number().int().min(1).max(720).default(24) })
export const PercentileRow = z.object({
  hour: z.string(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  count: z.number(),
})

export const SeriesQuery = WindowQuery.extend({
  step: z.enum(['1m', '1h', '1d']).optional(),
  probe_id: z.string().max(64).optional(),
  /** p95 per point costs a histogram merge per bucket: asked for, not by default. */
  percentiles: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
})
export const SeriesPoint = z.object({
  t: z.string(),
  checks: z.number(),
  up: z.number(),
  degraded: z.number(),
  down: z.number(),
  maintenance: z.number(),
  uptime_percent: z.number().nullable(),
  avg_ms: z.number().nullable(),
  min_ms: z.number().nullable(),
  max_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  phases: z.record(z.string(), z.number()).nullable(),
})
export const SeriesOut = z.object({
  monitor_id: z.string(),
  step: z.enum(['1m', '1h', '1d']),
  from: z.string(),
  to: z.string(),
  points: z.array(SeriesPoint),
})

export const SloBody = z.strictObject({
  /** Percent, e.g. 99.9. 100 leaves no budget at all and is refused. */
  target: z.number().gt(0).lt(100),
  window_days: z.int().min(1).max(365).default(30),
})
const BurnRates = z.object({
  '5m': z.number(),
  '30m': z.number(),
  '1h': z.number(),
  '6h': z.number(),
  '24h': z.number(),
  '3d': z.number(),
})
export const SloOut = z.object({
  monitor_id: z.string(),
  slo_target: z.number(),
  window_days: z.number(),
  uptime_percent: z.number(),
  error_budget_total_minutes: z.number(),
  error_budget_used_minutes: z.number(),
  error_budget_remaining_minutes: z.number(),
  error_budget_remaining_percent: z.number(),
  budget_consumed: z.number(),
  burn_rates: BurnRates,
  alerts: z.object({ fast_burn: z.boolean(), slow_burn: z.boolean() }),
  status: z.enum(['healthy', 'at_risk', 'critical', 'exhausted']),
})

export const ReportQuery = z.strictObject({
  from: isoTime,
  to: isoTime,
  format: z.enum(['json', 'csv', 'html']).default('json'),
})
export const ReportOut = z.object({
  monitor_id: z.string(),
  monitor_name: z.string(),
  from: z.string(),
  to: z.string(),
  precision: z.enum(['1m', '1h', '1d']),
  uptime_percent: z.number(),
  internal_uptime_percent: z.number().nullable(),
  external_uptime_percent: z.number().nullable(),
  downtime_minutes: z.number(),
  maintenance_minutes: z.number(),
  total_checks: z.number(),
  up_checks: z.number(),
  incident_count: z.number(),
  total_downtime_seconds: z.number(),
  mttr_seconds: z.number().nullable(),
  mttd_seconds: z.number().nullable(),
  avg_response_time_ms: z.number().nullable(),
  p95_response_time_ms: z.number().nullable(),
  min_response_time_ms: z.number().nullable(),
  max_response_time_ms: z.number().nullable(),
  incidents: z.array(
    z.object({
      id: z.string(),
      started_at: z.string(),
      resolved_at: z.string().nullable(),
      duration_seconds: z.number().nullable(),
      detection_seconds: z.number(),
      cause: z.string().nullable(),
    }),
  ),
  slo: z.object({ target: z.number(), met: z.boolean() }).nullable(),
})
export type ReportDto = z.infer<typeof ReportOut>

export const AnomalyOut = z.object({
  monitor_id: z.string(),
  current_ms: z.number().nullable(),
  mean_ms: z.number().nullable(),
  stddev_ms: z.number().nullable(),
  z_score: z.number().nullable(),
  samples: z.number(),
  threshold: z.number(),
  is_anomaly: z.boolean(),
})
export const AnomalyQuery = z.strictObject({ threshold: z.coerce.number().min(0.5).max(20).default(3) })
export const BaselineOut = z.object({
  monitor_id: z.string(),
  days: z.number(),
  samples: z.number(),
  avg_ms: z.number().nullable(),
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  p99_ms: z.number().nullable(),
  stddev_ms: z.number().nullable(),
  /** Average per hour of day (UTC, 0–23), for a "normal for this time" band. */
  by_hour: z.array(z.object({ hour: z.number(), avg_ms: z.number().nullable(), samples: z.number() })),
})
export const TrendOut = z.object({
  monitor_id: z.string(),
  current_avg_ms: z.number().nullable(),
  previous_avg_ms: z.number().nullable(),
  current_samples: z.number(),
  previous_samples: z.number(),
  change_percent: z.number().nullable(),
  direction: z.enum(['up', 'down', 'flat']).nullable(),
  significant: z.boolean(),
})

export const AnnotationBody = z.strictObject({
  content: z.string().trim().min(1).max(2000),
  annotated_at: isoTime.optional(),
})
export const AnnotationsQuery = z.strictObject({
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})
export const AnnotationOut = z.object({
  id: z.string(),
  monitor_id: z.string(),
  content: z.string(),
  annotated_at: z.string(),
  created_by: z.string().nullable(),
  created_at: z.string(),
})

export const MetricBody = z.strictObject({
  metric_name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/, 'letters, digits, _ . : - (starting with a letter or _)'),
  value: z.number().finite(),
  unit: z.string().trim().max(20).optional(),
  pushed_at: isoTime.optional(),
})
export const MetricPointOut = z.object({
  metric_name: z.string(),
  value: z.number(),
  unit: z.string().nullable(),
  pushed_at: z.string(),
})
export const MetricsQuery = z.strictObject({
  metric_name: z.string().max(100).optional(),
  hours: z.coerce.number().int().min(1).max(720).default(24),
  since: isoTime.optional(),
  until: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
})
export const MetricSummaryQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .default(24),
})
export const MetricSummaryOut = z.object({
  metric_name: z.string(),
  unit: z.string().nullable(),
  count: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  avg: z.number().nullable(),
  last_value: z.number().nullable(),
  last_at: z.string().nullable(),
})
export const MetricSeriesQuery = z.strictObject({
  metric_name: z.string().min(1).max(100),
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366 * 5)
    .default(168),
})
export const MetricSeriesOut = z.object({
  metric_name: z.string(),
  step: z.enum(['1h', '1d']),
  points: z.array(z.object({ t: z.string(), count: z.number(), avg: z.number(), min: z.number(), max: z.number() })),
})

export const ListStatsQuery = z.strictObject({ ids: z.string().min(1).max(20_000) })
export const ListStatsOut = z.record(
  z.string(),
  z.object({
    uptime_24h: z.number().nullable(),
    p95_response_time_ms: z.number().nullable(),
    avg_response_time_ms: z.number().nullable(),
    /** Average latency per hour over the last 24 h, oldest first (null: no data that hour). */
    sparkline: z.array(z.number().nullable()),
  }),
)

export const StorageStatusOut = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  size_bytes: z.number(),
  budget_bytes: z.number().nullable(),
  over_budget: z.boolean(),
  /** Something the UI should show (data discarded to stay under the budget), or null. */
  notice: z
    .object({
      level: z.enum(['warning', 'info']),
      message: z.string(),
      since: z.string(),
      oldest_raw_at: z.string().nullable(),
    })
    .nullable(),
  retention: z.object({
    raw_days: z.number(),
    detail_days: z.number(),
    minute_rollups_hours: z.number(),
    hour_rollups_days: z.number(),
    day_rollups: z.literal('forever'),
  }),
  last_retention_run_at: z.string().nullable(),
  /** Week and 4-week summaries: built up to (exclusive end), and periods waiting for a rebuild. */
  /** Built after the fact by the hourly storage job (exclusive ends); reads skip periods pending rebuild. */
  coarse_rollups: z.object({
    /** Per-monitor hourly chart days (30-day charts read one row a day). */
    chart_days_built_through: z.string().nullable(),
    week_built_through: z.string().nullable(),
    four_week_built_through: z.string().nullable(),
    periods_pending_rebuild: z.number(),
  }),
})
