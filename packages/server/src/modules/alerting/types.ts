/** What a rule watches. Incident conditions follow the incident engine; sampled ones read every result. */
export const ALERT_CONDITIONS = [
  'any_down',
  'all_down',
  'degraded',
  'ssl_expiry',
  'domain_expiry',
  'response_time_above',
  'flapping',
  'probe_offline',
] as const
export type AlertCondition = (typeof ALERT_CONDITIONS)[number]

export const INCIDENT_CONDITIONS: ReadonlySet<AlertCondition> = new Set(['any_down', 'all_down'])
export const SAMPLED_CONDITIONS: ReadonlySet<AlertCondition> = new Set([
  'degraded',
  'ssl_expiry',
  'domain_expiry',
  'response_time_above',
])

/** The notification a decision is about. */
export const MESSAGE_KINDS = ['opened', 'escalated', 'renotify', 'resolved', 'digest', 'test'] as const
export type MessageKind = (typeof MESSAGE_KINDS)[number]

/** Why a notification was not sent (recorded with every non-send). */
export const SKIP_REASONS = [
  'silenced',
  'maintenance',
  'dependency',
  'grouped',
  'scope',
  'min_duration_pending',
  'condition_cleared',
  'schedule',
  'storm',
  'digest',
  'acked',
  'snoozed',
  'not_notified',
  'no_channel',
  'channel_disabled',
] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

/** Business hours: notifications are sent only inside the window (days 0 = Monday … 6 = Sunday). */
export interface BusinessHours {
  timezone: string
  days: number[]
  start: string
  end: string
}

export interface RuleParams {
  /** ms for response_time_above; days for ssl_expiry / domain_expiry; unused otherwise. */
  threshold: number | null
  /** The condition must have held this long before the first notification. */
  min_duration_seconds: number
  /** 0 = never; else re-send while the condition still holds (not while acked or snoozed). */
  renotify_minutes: number
  schedule: BusinessHours | null
  /** At most this many notifications per window, then one digest of the rest; null = no cap. */
  storm_max: number | null
  storm_window_seconds: number
  /** > 0: every notification of this rule is batched into one digest per this many minutes. */
  digest_minutes: number
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

/** Threshold used when a rule leaves it empty. */
export const DEFAULT_THRESHOLD: Partial<Record<AlertCondition, number>> = {
  ssl_expiry: 14,
  domain_expiry: 30,
  response_time_above: 2000,
}

export interface RuleSpec extends RuleParams {
  id: string
  condition: AlertCondition
}

/** "Actual vs expected" for sampled conditions (latency 812 ms > 500 ms; expires in 5 days ≤ 14). */
export interface Observation {
  actual: number
  expected: number
  unit: 'ms' | 'days'
}
