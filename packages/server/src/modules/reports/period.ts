/**
 * Report periods in a time zone (pure): a week runs Monday 00:00 to Monday 00:00 local time, a
 * month from the 1st to the 1st; DST changes move the UTC instants, not the local midnights.
 */
export type ReportSchedule = 'weekly' | 'monthly'

export interface Period {
  from: number
  to: number
  /** `weekly:2026-03-02` / `monthly:2026-03`: names the period in idempotency keys. */
  key: string
}

const DAY = 86_400_000
const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 }

function localParts(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'short',
  }).formatToParts(at)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return {
    y: Number(get('year')),
    m: Number(get('month')),
    d: Number(get('day')),
    wall: Date.UTC(
      Number(get('year')),
      Number(get('month')) - 1,
      Number(get('day')),
      Number(get('hour')),
      Number(get('minute')),
      Number(get('second')),
    ),
    weekday: WEEKDAY[get('weekday')] ?? 0,
  }
}

/** The UTC instant of local midnight starting the calendar day y-m-d (m 1–12) in `timeZone`. */
export function localMidnight(y: number, m: number, d: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d)
  let t = wall
  // The offset at the guess may differ from the offset at midnight (DST): two rounds settle it.
  for (let i = 0; i < 3; i++) {
    const next = wall - (localParts(t, timeZone).wall - Math.floor(t / 1000) * 1000)
    if (next === t) break
    t = next
  }
  return t
}

const ymd = (utcDate: number) => {
  const x = new Date(utcDate)
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: x.getUTCDate() }
}
const isoDay = (p: { y: number; m: number; d: number }) =>
  `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`

/**
 * The latest period that has fully ended at `now`.
 *
 * @example lastCompletePeriod('weekly', 'Europe/Paris', Date.UTC(2026, 2, 4, 9)) // Mon 23 Feb → Mon 2 Mar, Paris midnights
 */
export function lastCompletePeriod(schedule: ReportSchedule, timeZone: string, now: number): Period {
  const today = localParts(now, timeZone)
  if (schedule === 'monthly') {
    const prev = today.m === 1 ? { y: today.y - 1, m: 12 } : { y: today.y, m: today.m - 1 }
    return {
      from: localMidnight(prev.y, prev.m, 1, timeZone),
      to: localMidnight(today.y, today.m, 1, timeZone),
      key: `monthly:${prev.y}-${String(prev.m).padStart(2, '0')}`,
    }
  }
  const monday = ymd(Date.UTC(today.y, today.m - 1, today.d) - today.weekday * DAY)
  const before = ymd(Date.UTC(monday.y, monday.m - 1, monday.d) - 7 * DAY)
  return {
    from: localMidnight(before.y, before.m, before.d, timeZone),
    to: localMidnight(monday.y, monday.m, monday.d, timeZone),
    key: `weekly:${isoDay(before)}`,
  }
}
