import type { AlertCondition, RuleParams } from '../../../api/alerting'

export const DAYS = [0, 1, 2, 3, 4, 5, 6] as const

/** What a condition's threshold means, or null when it has none. */
export type ThresholdUnit = 'ms' | 'days' | 'factor' | 'z' | 'burn'

/** The threshold's unit for a condition, or null when it has none. */
export function thresholdUnit(c: AlertCondition): ThresholdUnit | null {
  switch (c) {
    case 'response_time_above':
      return 'ms'
    case 'ssl_expiry':
    case 'domain_expiry':
      return 'days'
    case 'response_time_above_baseline':
      return 'factor'
    case 'anomaly':
      return 'z'
    case 'slo_burn_fast':
    case 'slo_burn_slow':
      return 'burn'
    default:
      return null
  }
}

/** The server's threshold when a rule leaves it empty (shown as the field's placeholder). */
export const DEFAULT_THRESHOLD: Partial<Record<AlertCondition, number>> = {
  ssl_expiry: 14,
  domain_expiry: 30,
  response_time_above: 2000,
  response_time_above_baseline: 2,
  anomaly: 3,
  slo_burn_fast: 14.4,
  slo_burn_slow: 6,
}

const THRESHOLD_LABEL: Record<ThresholdUnit, string> = {
  ms: 'alerting.params.thresholdMs',
  days: 'alerting.params.thresholdDays',
  factor: 'alerting.params.thresholdFactor',
  z: 'alerting.params.thresholdZ',
  burn: 'alerting.params.thresholdBurn',
}
/** The i18n key of the threshold field's label. */
export const thresholdLabel = (u: ThresholdUnit) => THRESHOLD_LABEL[u]

export const DEFAULT_PARAMS: RuleParams = {
  threshold: null,
  min_duration_seconds: 0,
  renotify_minutes: 0,
  schedule: null,
  storm_max: null,
  storm_window_seconds: 600,
  digest_minutes: 0,
}

/** "smtp_host" → "Smtp host": config fields are named after the service's own settings. */
export const fieldLabel = (name: string) => (name.charAt(0).toUpperCase() + name.slice(1)).replace(/_/g, ' ')

/** The template placeholders a channel may use. */
export const TEMPLATE_VARS = [
  'title',
  'summary',
  'text',
  'monitor_name',
  'monitor_target',
  'condition',
  'status',
  'scope_label',
  'started_at',
  'duration',
  'actual',
  'expected',
  'error',
  'incident_url',
]

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}
