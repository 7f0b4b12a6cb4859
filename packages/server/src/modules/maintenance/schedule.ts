import { Cron } from 'croner'

/**
 * When maintenance windows are active. A recurring window is a cron expression (its starts) in a
 * time zone plus a duration; the weekly form (days + HH:MM range) compiles to the same thing, so
 * there is one evaluation path. Pure: callers pass the instant.
 */
export type MaintenanceSchedule =
  | { kind: 'once'; starts_at: number; ends_at: number }
  | { kind: 'cron'; cron: string; duration_minutes: number; timezone: string }
  | { kind: 'weekly'; days: readonly number[]; start: string; end: string; timezone: string }

export interface Window {
  start: number
  end: number
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/

/** Weekly form → cron + duration. Days are 0 = Monday … 6 = Sunday; an end ≤ start crosses midnight. */
export function weeklyToCron(
  days: readonly number[],
  start: string,
  end: string,
): { cron: string; duration_minutes: number } {
  const s = HHMM.exec(start)
  const e = HHMM.exec(end)
  if (!s || !e) throw new RangeError('times must be HH:MM')
  if (days.length === 0 || days.some((d) => !Number.isInteger(d) || d < 0 || d > 6))
    throw new RangeError('days must be 0 (Monday) … 6 (Sunday)')
  const startMin = Number(s[1]) * 60 + Number(s[2])
  const endMin = Number(e[1]) * 60 + Number(e[2])
  const duration = (endMin - startMin + 1440) % 1440 || 1440
  // cron day-of-week: 0 = Sunday … 6 = Saturday.
  const dow = [...new Set(days.map((d) => (d + 1) % 7))].sort().join(',')
  return { cron: `${Number(s[2])} ${Number(s[1])} * * ${dow}`, duration_minutes: duration }
}

function toCron(s: MaintenanceSchedule): { cron: Cron; durationMs: number } | null {
  if (s.kind === 'once') return null
  const { cron, duration_minutes } = s.kind === 'weekly' ? weeklyToCron(s.days, s.start, s.end) : s
  return { cron: new Cron(cron, { timezone: s.timezone, paused: true }), durationMs: duration_minutes * 60_000 }
}

/** Validates a schedule; returns a message naming the problem, or null. */
export function scheduleError(s: MaintenanceSchedule): string | null {
  try {
    if (s.kind === 'once') return s.starts_at < s.ends_at ? null : 'starts_at must be before ends_at'
    new Intl.DateTimeFormat('en', { timeZone: s.timezone })
    if (s.kind === 'cron' && (s.duration_minutes < 1 || s.duration_minutes > 7 * 1440))
      return 'duration_minutes must be 1 … 10080'
    const c = toCron(s)
    if (c && c.cron.nextRun(new Date(0)) === null) return 'the schedule never fires'
    return null
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** The window containing `at`, if any. */
export function activeWindow(s: MaintenanceSchedule, at: number): Window | null {
  if (s.kind === 'once') return at >= s.starts_at && at < s.ends_at ? { start: s.starts_at, end: s.ends_at } : null
  const c = toCron(s)
  if (!c) return null
  // The earliest start in (at − duration, at] puts `at` inside its window.
  const start = c.cron.nextRun(new Date(at - c.durationMs))?.getTime()
  return start !== undefined && start <= at ? { start, end: start + c.durationMs } : null
}

/** The next window starting after `after` (for the UI and for timers). */
export function nextWindow(s: MaintenanceSchedule, after: number): Window | null {
  if (s.kind === 'once') return s.starts_at > after ? { start: s.starts_at, end: s.ends_at } : null
  const c = toCron(s)
  const start = c?.cron.nextRun(new Date(after))?.getTime()
  return c && start !== undefined ? { start, end: start + c.durationMs } : null
}
