import { Cron } from 'croner'

/**
 * When a heartbeat's next ping is expected. Either a period (a ping every N seconds) or a 5-field
 * cron expression in an IANA time zone (croner: a fixed-time job in a DST gap is expected at the
 * first valid minute after it, and once when a local time repeats). Pure: callers pass instants.
 */
export interface HeartbeatSchedule {
  period_seconds: number | null
  cron: string | null
  timezone: string
  grace_seconds: number
}

const crons = new Map<string, Cron>()

function cronOf(expr: string, timezone: string): Cron {
  const key = `${timezone}\u0000${expr}`
  let c = crons.get(key)
  if (!c) {
    c = new Cron(expr, { timezone, mode: '5-part', paused: true })
    if (crons.size > 10_000) crons.clear()
    crons.set(key, c)
  }
  return c
}

/** The schedule of a stored heartbeat config (defaults for missing fields). */
export function scheduleOf(config: Record<string, unknown>): HeartbeatSchedule {
  return {
    period_seconds: typeof config.period_seconds === 'number' ? config.period_seconds : null,
    cron: typeof config.cron === 'string' ? config.cron : null,
    timezone: typeof config.timezone === 'string' ? config.timezone : 'UTC',
    grace_seconds: typeof config.grace_seconds === 'number' ? config.grace_seconds : 60,
  }
}

/** What is wrong with a schedule, by field (`cron`, `timezone`), or null. */
export function scheduleError(s: HeartbeatSchedule): { field: 'cron' | 'timezone'; message: string } | null {
  if (s.cron === null) return null
  try {
    new Intl.DateTimeFormat('en', { timeZone: s.timezone })
  } catch {
    return { field: 'timezone', message: `unknown IANA time zone: ${s.timezone}` }
  }
  try {
    if (cronOf(s.cron.trim(), s.timezone).nextRun(new Date(0)) === null) {
      return { field: 'cron', message: 'the schedule never fires' }
    }
    return null
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^CronPattern: /, '') : String(err)
    return { field: 'cron', message: `not a 5-field cron expression: ${message}` }
  }
}

/**
 * The first expected ping strictly after `after` (a ping, or the end of a maintenance window).
 *
 * @example
 * nextExpected({ period_seconds: 300, … }, t)                                  // t + 300 000
 * nextExpected({ cron: '30 2 * * *', timezone: 'Europe/Paris', … }, sat0000Z)   // 2:30 Paris time
 */
export function nextExpected(s: HeartbeatSchedule, after: number): number | null {
  if (s.period_seconds !== null) return after + s.period_seconds * 1000
  if (s.cron === null) return null
  return cronOf(s.cron.trim(), s.timezone).nextRun(new Date(after))?.getTime() ?? null
}
