import type { MinuteCounts } from '../../storage/timeseries/rollup.js'
import { measured, round } from './stats.js'

/**
 * SLO and error-budget math (pure). A burn rate is the ratio of the observed error rate to the
 * rate the target allows: 1 spends the budget exactly over the SLO window, 14.4 spends a 30-day
 * budget's 2 % in one hour. (The reference called "burn rate" the consumed fraction; that is
 * `budget_consumed` here.)
 */
export const BURN_WINDOWS = { '5m': 5, '30m': 30, '1h': 60, '6h': 360, '24h': 1440, '3d': 4320 } as const
export type BurnWindow = keyof typeof BURN_WINDOWS

/** Multi-window burn-rate conditions (Google SRE workbook): a long window to be sure, a short one to be current. */
export const BURN_ALERTS = {
  fast: { threshold: 14.4, long: '1h', short: '5m' },
  slow: { threshold: 6, long: '6h', short: '30m' },
} as const satisfies Record<string, { threshold: number; long: BurnWindow; short: BurnWindow }>

/** Error rate over allowed rate; 0 without data. Views are MinuteCounts (maintenance excluded). */
export function burnRate(c: MinuteCounts, targetPercent: number): number {
  const m = measured(c)
  if (m === 0) return 0
  const allowed = 1 - targetPercent / 100
  return c.down / m / allowed
}

/** The worse view decides, as for uptime: a burn seen from inside or outside is a burn. */
export function worstBurnRate(views: readonly MinuteCounts[], targetPercent: number): number {
  return Math.max(0, ...views.map((v) => burnRate(v, targetPercent)))
}

export function burnAlerts(rates: Record<BurnWindow, number>): { fast_burn: boolean; slow_burn: boolean } {
  const fire = (a: (typeof BURN_ALERTS)[keyof typeof BURN_ALERTS]) =>
    rates[a.long] >= a.threshold && rates[a.short] >= a.threshold
  return { fast_burn: fire(BURN_ALERTS.fast), slow_burn: fire(BURN_ALERTS.slow) }
}

export type SloStatus = 'healthy' | 'at_risk' | 'critical' | 'exhausted'

export interface SloReport {
  slo_target: number
  window_days: number
  uptime_percent: number
  error_budget_total_minutes: number
  error_budget_used_minutes: number
  error_budget_remaining_minutes: number
  /** Share of the budget left, 0–100 (negative when overspent). */
  error_budget_remaining_percent: number
  budget_consumed: number
  burn_rates: Record<BurnWindow, number>
  alerts: { fast_burn: boolean; slow_burn: boolean }
  status: SloStatus
}

/**
 * @param window headline-view minutes over the SLO window
 * @param downMinutes downtime minutes over the window (down minutes × minutes per check)
 * @param rates burn rates per window (see {@link worstBurnRate})
 */
export function computeSlo(input: {
  target: number
  windowDays: number
  uptimePercent: number
  downMinutes: number
  rates: Record<BurnWindow, number>
}): SloReport {
  // Rounded so that 99.9 % of 30 days is exactly 43.2 minutes (status thresholds compare to it).
  const total = round((input.windowDays * 1440 * (100 - input.target)) / 100, 6)
  const used = round(input.downMinutes, 6)
  const consumed = total === 0 ? (used > 0 ? 1 : 0) : used / total
  const status: SloStatus =
    consumed >= 1 ? 'exhausted' : consumed > 0.8 ? 'critical' : consumed > 0.5 ? 'at_risk' : 'healthy'
  const rates = Object.fromEntries(Object.entries(input.rates).map(([k, v]) => [k, round(v, 3)])) as Record<
    BurnWindow,
    number
  >
  return {
    slo_target: input.target,
    window_days: input.windowDays,
    uptime_percent: input.uptimePercent,
    error_budget_total_minutes: round(total, 2),
    error_budget_used_minutes: round(used, 2),
    error_budget_remaining_minutes: round(total - used, 2),
    error_budget_remaining_percent: round(total === 0 ? 0 : ((total - used) / total) * 100, 2),
    budget_consumed: round(consumed, 4),
    burn_rates: rates,
    alerts: burnAlerts(input.rates),
    status,
  }
}
