/** What a rule watches. Incident conditions follow the incident engine; sampled ones read every result. */
export const ALERT_CONDITIONS = [
  'any_down',
  'all_down',
  'degraded',
  'ssl_expiry',
  'domain_expiry',
  'response_time_above',
  'response_time_above_baseline',
  'anomaly',
  'slo_burn_fast',
  'slo_burn_slow',
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
  'response_time_above_baseline',
  'anomaly',
  'slo_burn_fast',
  'slo_burn_slow',
])

/** Sampled conditions judged against the monitor's 7-day latency history (hourly rollups). */
export const BASELINE_CONDITIONS: ReadonlySet<AlertCondition> = new Set(['response_time_above_baseline', 'anomaly'])
/** Sampled conditions judged against the monitor's SLO (multi-window burn rates). */
export const BURN_CONDITIONS: ReadonlySet<AlertCondition> = new Set(['slo_burn_fast', 'slo_burn_slow'])

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
  /**
   * ms for response_time_above; days for ssl_expiry / domain_expiry; the factor over the baseline
   * for response_time_above_baseline; the z-score for anomaly; the burn rate for slo_burn_*;
   * unused otherwise.
   */
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
  response_time_above_baseline: 2,
  anomaly: 3,
  slo_burn_fast: 14.4,
  slo_burn_slow: 6,
}

export interface RuleSpec extends RuleParams {
  id: string
  condition: AlertCondition
}

/**
 * "Actual vs expected" for sampled conditions: latency 812 ms > 500 ms (`ms`); expires in 5 days
 * ≤ 14 (`days`); z-score 4.2 > 3 (`z`); burn rate 16× ≥ 14.4× (`burn`).
 */
export interface Observation {
  actual: number
  expected: number
  unit: 'ms' | 'days' | 'z' | 'burn'
  /** Baseline and anomaly: the usual latency (ms) the current one is compared with. */
  baseline_ms?: number
  /** Anomaly: the latency (ms) whose z-score `actual` is. */
  latency_ms?: number
}
