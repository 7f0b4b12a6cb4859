import type { AlertCondition, RuleParams } from '../../../api/alerting'

export const DAYS = [0, 1, 2, 3, 4, 5, 6] as const

/** The threshold's unit for a condition, or null when it has none. */
export function thresholdUnit(c: AlertCondition): 'ms' | 'days' | null {
  if (c === 'response_time_above') return 'ms'
  if (c === 'ssl_expiry' || c === 'domain_expiry') return 'days'
  return null
}

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
