import type { COMPOSITE_RULES, KindSettings, MonitorOf } from '@whatisup/shared'
import { allOf, type FieldErrors, intIn, type NumInput, optionalIntIn, required } from './fields'

/** Form state of the kinds the server evaluates itself (heartbeat, composite, manual). */

export type HeartbeatScheduleKind = 'period' | 'cron'
export interface HeartbeatState {
  schedule: HeartbeatScheduleKind
  period_seconds: NumInput
  cron: string
  timezone: string
  grace_seconds: NumInput
}

const browserZone = () => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

export const emptyHeartbeat = (): HeartbeatState => ({
  schedule: 'period',
  period_seconds: 3600,
  cron: '0 3 * * *',
  timezone: browserZone(),
  grace_seconds: 300,
})
export const heartbeatFromMonitor = (m: MonitorOf<'heartbeat'>): HeartbeatState => ({
  schedule: m.cron !== null ? 'cron' : 'period',
  period_seconds: m.period_seconds ?? 3600,
  cron: m.cron ?? '0 3 * * *',
  timezone: m.timezone,
  grace_seconds: m.grace_seconds,
})
export function buildHeartbeat(s: HeartbeatState, errors: FieldErrors): KindSettings<'heartbeat'> {
  const grace = intIn(errors, 'grace_seconds', s.grace_seconds, 0, 604_800) ?? 0
  if (s.schedule === 'cron') {
    // The server checks the expression and the zone (croner, IANA); the browser only requires them.
    return {
      period_seconds: null,
      cron: required(errors, 'cron', s.cron),
      timezone: required(errors, 'timezone', s.timezone),
      grace_seconds: grace,
    }
  }
  return {
    period_seconds: intIn(errors, 'period_seconds', s.period_seconds, 10, 31_536_000),
    cron: null,
    timezone: s.timezone.trim() || 'UTC',
    grace_seconds: grace,
  }
}

export type CompositeRule = (typeof COMPOSITE_RULES)[number]
export const RULES = allOf<CompositeRule>()(['all_up', 'any_up', 'majority_up', 'weighted_up'])
export interface CompositeState {
  rule: CompositeRule
  degraded_below_percent: NumInput
}
export const emptyComposite = (): CompositeState => ({ rule: 'all_up', degraded_below_percent: '' })
export const compositeFromMonitor = (m: MonitorOf<'composite'>): CompositeState => ({
  rule: m.rule,
  degraded_below_percent: m.degraded_below_percent ?? '',
})
export function buildComposite(s: CompositeState, errors: FieldErrors): KindSettings<'composite'> {
  const threshold = optionalIntIn(errors, 'degraded_below_percent', s.degraded_below_percent, 0, 100)
  return { rule: s.rule, degraded_below_percent: threshold ?? null }
}

/** Manual monitors have no settings: a person sets their state on the detail page. */
export type ManualState = Record<string, never>
export const emptyManual = (): ManualState => ({})
export const buildManual = (): KindSettings<'manual'> => ({})
