import type { IncidentSummaryDto } from '@whatisup/shared'
import type { IncidentUpdateStatus } from '../../api/incidents'
import { numberFormat } from '../../ui/format'

export const INCIDENT_FILTERS = ['open', 'resolved', 'all'] as const
export type IncidentFilter = (typeof INCIDENT_FILTERS)[number]

/** The list filter as kept in the URL (`?show=open`); anything else is "all". */
export function parseFilter(value: unknown): IncidentFilter {
  return INCIDENT_FILTERS.includes(value as IncidentFilter) ? (value as IncidentFilter) : 'all'
}

/** Open incidents first (they need someone), then the most recent. */
export function sortIncidents<T extends Pick<IncidentSummaryDto, 'status' | 'started_at'>>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) =>
      Number(b.status === 'open') - Number(a.status === 'open') || Date.parse(b.started_at) - Date.parse(a.started_at),
  )
}

/** Stored duration once resolved; while open, how long it has lasted so far (ticks with `now`). */
export function liveDurationSeconds(
  i: Pick<IncidentSummaryDto, 'duration_seconds' | 'started_at' | 'resolved_at'>,
  now: number,
): number {
  if (i.duration_seconds !== null) return i.duration_seconds
  const end = i.resolved_at ? Date.parse(i.resolved_at) : now
  return Math.max(0, (end - Date.parse(i.started_at)) / 1000)
}

export const isSnoozed = (i: Pick<IncidentSummaryDto, 'snooze_until'>, now: number) =>
  i.snooze_until !== null && Date.parse(i.snooze_until) > now

export const isGrouped = (i: Pick<IncidentSummaryDto, 'suppressed' | 'group_id'>) =>
  i.suppressed === 'grouped' || i.group_id !== null

/** Open and not yet acknowledged: what bulk-ack can act on. */
export const isAckable = (i: Pick<IncidentSummaryDto, 'status' | 'acked_at'>) => i.status === 'open' && !i.acked_at

/** The snooze menu (server bounds: 5 min … 24 h). */
export const SNOOZE_PRESETS = [5, 15, 60, 240, 1440] as const

/** 15 → "15 min", 240 → "4 h", 1440 → "24 h": whole hours read better than "1 d" in a snooze menu. */
export function minutesLabel(minutes: number, locale: string): string {
  const hours = minutes >= 60 && minutes % 60 === 0
  return numberFormat(locale, {
    style: 'unit',
    unit: hours ? 'hour' : 'minute',
    unitDisplay: 'short',
  }).format(hours ? minutes / 60 : minutes)
}

/** Known scopes get a label and a colour; anything newer from the server is shown as is. */
export const SCOPES = ['global', 'regional', 'partial', 'probe_local', 'none'] as const
export type KnownScope = (typeof SCOPES)[number]
export const isKnownScope = (scope: string): scope is KnownScope => SCOPES.includes(scope as KnownScope)

export const SUPPRESSIONS = ['maintenance', 'dependency', 'grouped'] as const
export type KnownSuppression = (typeof SUPPRESSIONS)[number]
export const isKnownSuppression = (value: string): value is KnownSuppression =>
  SUPPRESSIONS.includes(value as KnownSuppression)

/** Same list as `INCIDENT_UPDATE_STATUSES` in shared, kept here so its zod module stays out of the bundle. */
export const UPDATE_STATUSES = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
] as const satisfies readonly IncidentUpdateStatus[]
