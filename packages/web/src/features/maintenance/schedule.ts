import type { MaintenanceInput, MaintenanceSchedule, MaintenanceWindow } from '../../api/maintenance'
import type { FieldErrors } from './form-errors'

export const SCHEDULE_KINDS = ['once', 'weekly', 'cron'] as const
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number]

/** What the inputs hold: `datetime-local` strings, `HH:MM` strings, days 0 = Monday … 6 = Sunday. */
export interface ScheduleFormState {
  kind: ScheduleKind
  startsAt: string
  endsAt: string
  days: number[]
  start: string
  end: string
  timezone: string
  cron: string
  /** A number input holds '' once emptied. */
  durationMinutes: number | string
}

export interface MaintenanceFormState {
  name: string
  description: string
  /** The target picker's value: '' = every monitor of the owner, {@link TAGS_TARGET} = `tags`. */
  monitorId: string
  /** The labels when the target is tags. */
  tags: string[]
  schedule: ScheduleFormState
}

/** Every field the server may name in `details.issues` (without `body.`). */
export const MAINTENANCE_FIELDS = [
  'name',
  'description',
  'monitor_id',
  'group_id',
  'tags',
  'schedule',
  'schedule.kind',
  'schedule.starts_at',
  'schedule.ends_at',
  'schedule.days',
  'schedule.start',
  'schedule.end',
  'schedule.timezone',
  'schedule.cron',
  'schedule.duration_minutes',
] as const

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** The IANA zones the browser knows, with UTC and `current` always offered. */
export function timeZones(current: string): string[] {
  let zones: string[] = []
  try {
    zones = Intl.supportedValuesOf('timeZone')
  } catch {
    zones = []
  }
  return [...new Set(['UTC', current, ...zones])].sort((a, b) =>
    a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b),
  )
}

const pad = (n: number) => String(n).padStart(2, '0')

/** A `datetime-local` value (browser time) → ISO instant, or null when empty or invalid. */
export function localToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** An ISO instant → a `datetime-local` value in the browser's time. */
export function isoToLocal(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** An end at or before the start runs past midnight (equal times: a full 24 hours). */
export const crossesMidnight = (start: string, end: string) =>
  HHMM.test(start) && HHMM.test(end) && minutesOf(end) <= minutesOf(start)

/** Weekday names Monday first, in the UI language (2024-01-01 was a Monday). */
export function weekdayNames(locale: string, style: 'short' | 'long' = 'short'): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' })
  return Array.from({ length: 7 }, (_, n) => format.format(Date.UTC(2024, 0, 1 + n)))
}

export function emptyScheduleForm(timezone = browserTimeZone(), now = new Date()): ScheduleFormState {
  const start = new Date(now)
  start.setMinutes(0, 0, 0)
  start.setHours(start.getHours() + 1)
  const end = new Date(start.getTime() + 3_600_000)
  return {
    kind: 'once',
    startsAt: isoToLocal(start.toISOString()),
    endsAt: isoToLocal(end.toISOString()),
    days: [],
    start: '02:00',
    end: '04:00',
    timezone,
    cron: '0 3 * * 0',
    durationMinutes: 60,
  }
}

/** The target picker's value for a group (a monitor is its bare id; '' is every monitor). */
export const GROUP_TARGET = 'group:'
/** The target picker's value for "monitors with tags" (the labels are held next to it). */
export const TAGS_TARGET = 'tags:'

/** The API's `monitor_id` / `group_id` / `tags` for a target picker value and its labels. */
export function targetOf(
  value: string,
  tags: readonly string[] = [],
): { monitor_id: string | null; group_id: string | null; tags: string[] | null } {
  if (value === TAGS_TARGET) return { monitor_id: null, group_id: null, tags: [...tags] }
  if (value.startsWith(GROUP_TARGET))
    return { monitor_id: null, group_id: value.slice(GROUP_TARGET.length), tags: null }
  return { monitor_id: value || null, group_id: null, tags: null }
}

/** The target picker's value for a saved target. */
export function pickerValueOf(t: { monitor_id: string | null; group_id?: string | null; tags?: string[] | null }) {
  if (t.tags) return TAGS_TARGET
  return t.group_id ? `${GROUP_TARGET}${t.group_id}` : (t.monitor_id ?? '')
}

export function emptyMaintenanceForm(timezone?: string, now?: Date): MaintenanceFormState {
  return { name: '', description: '', monitorId: '', tags: [], schedule: emptyScheduleForm(timezone, now) }
}

/** Loads a saved window into the form; the kinds not in use keep their defaults. */
export function formFromWindow(
  w: Pick<MaintenanceWindow, 'name' | 'description' | 'monitor_id' | 'group_id' | 'schedule'> & {
    tags?: string[] | null
  },
) {
  const form = emptyMaintenanceForm()
  form.name = w.name
  form.description = w.description ?? ''
  form.monitorId = pickerValueOf(w)
  form.tags = w.tags ? [...w.tags] : []
  const s = w.schedule
  const f = form.schedule
  f.kind = s.kind
  if (s.kind === 'once') {
    f.startsAt = isoToLocal(s.starts_at)
    f.endsAt = isoToLocal(s.ends_at)
  } else if (s.kind === 'weekly') {
    Object.assign(f, { days: [...s.days], start: s.start, end: s.end, timezone: s.timezone })
  } else {
    Object.assign(f, { cron: s.cron, durationMinutes: s.duration_minutes, timezone: s.timezone })
  }
  return form
}

function buildSchedule(f: ScheduleFormState, errors: FieldErrors): MaintenanceSchedule | null {
  switch (f.kind) {
    case 'once': {
      const starts_at = localToIso(f.startsAt)
      const ends_at = localToIso(f.endsAt)
      if (!starts_at) errors['schedule.starts_at'] = { key: 'required' }
      if (!ends_at) errors['schedule.ends_at'] = { key: 'required' }
      if (!starts_at || !ends_at) return null
      if (Date.parse(ends_at) <= Date.parse(starts_at)) {
        errors['schedule.ends_at'] = { key: 'endBeforeStart' }
        return null
      }
      return { kind: 'once', starts_at, ends_at }
    }
    case 'weekly': {
      const days = [...new Set(f.days)].filter((d) => Number.isInteger(d) && d >= 0 && d <= 6).sort((a, b) => a - b)
      if (days.length === 0) errors['schedule.days'] = { key: 'days' }
      if (!HHMM.test(f.start)) errors['schedule.start'] = { key: 'time' }
      if (!HHMM.test(f.end)) errors['schedule.end'] = { key: 'time' }
      if (days.length === 0 || !HHMM.test(f.start) || !HHMM.test(f.end)) return null
      return { kind: 'weekly', days, start: f.start, end: f.end, timezone: f.timezone }
    }
    case 'cron': {
      const cron = f.cron.trim().replace(/\s+/g, ' ')
      const duration = Number(f.durationMinutes)
      if (!cron) errors['schedule.cron'] = { key: 'required' }
      if (f.durationMinutes === '' || !Number.isInteger(duration) || duration < 1 || duration > 10_080)
        errors['schedule.duration_minutes'] = { key: 'duration' }
      if (errors['schedule.cron'] || errors['schedule.duration_minutes']) return null
      return { kind: 'cron', cron, duration_minutes: duration, timezone: f.timezone }
    }
  }
}

/** The API body, or the fields to fix first. Only the chosen kind's fields are sent. */
export function buildMaintenanceInput(state: MaintenanceFormState): {
  input: MaintenanceInput | null
  errors: FieldErrors
} {
  const errors: FieldErrors = {}
  const name = state.name.trim()
  if (!name) errors.name = { key: 'required' }
  if (state.monitorId === TAGS_TARGET && state.tags.length === 0) errors.tags = { key: 'tagsRequired' }
  const schedule = buildSchedule(state.schedule, errors)
  if (!schedule || Object.keys(errors).length > 0) return { input: null, errors }
  return {
    input: {
      name,
      description: state.description.trim() || null,
      ...targetOf(state.monitorId, state.tags),
      schedule,
    },
    errors,
  }
}
