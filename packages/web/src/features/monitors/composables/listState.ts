import type { CheckKind, MonitorStatus } from '@whatisup/shared'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

export const STATUSES = ['up', 'degraded', 'down', 'unknown', 'paused'] as const satisfies readonly MonitorStatus[]
/**
 * Every kind, as a type-checked registry rather than the shared runtime list: importing that pulls
 * the zod schemas into the list page's chunk. A new kind fails the build here until it is added.
 */
const KIND_SET: Record<CheckKind, true> = {
  http: true,
  tcp: true,
  udp: true,
  dns: true,
  smtp: true,
  ping: true,
  domain_expiry: true,
  websocket: true,
  postgres: true,
  mysql: true,
  redis: true,
  mqtt: true,
  heartbeat: true,
  composite: true,
  manual: true,
}
export const KINDS = Object.keys(KIND_SET) as CheckKind[]
/** The table is windowed, so even the largest page renders only the rows in view. */
export const PAGE_SIZES = [25, 50, 100, 250, 500] as const

/** Everything that shapes the monitor list; kept in the URL and remembered in localStorage. */
export interface ListState {
  q: string
  status: MonitorStatus | null
  kind: CheckKind | null
  /** A group id. */
  group: string | null
  /** One `key:value` tag (the server validates it; a malformed one gets its 400). */
  tag: string | null
  page: number
  size: number
}

export const DEFAULT_STATE: ListState = { q: '', status: null, kind: null, group: null, tag: null, page: 1, size: 50 }
export const STORAGE_KEY = 'whatisup.monitorList'

const one = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  const s = one(value)
  return s !== undefined && (allowed as readonly string[]).includes(s) ? (s as T) : null
}

/** A trimmed, non-empty string of at most `max` characters, else null. */
function text(value: unknown, max: number): string | null {
  const s = one(value)?.trim()
  return s && s.length <= max ? s : null
}

function int(value: unknown, fallback: number, allowed?: readonly number[]): number {
  const n = Number(typeof value === 'number' ? value : one(value))
  if (!Number.isInteger(n) || n < 1) return fallback
  return allowed && !allowed.includes(n) ? fallback : n
}

/** URL query (or stored object) → state; anything unknown or malformed falls back to the default. */
export function parseListState(query: LocationQuery | Record<string, unknown>): ListState {
  return {
    q: (one(query.q) ?? '').slice(0, 200),
    status: pick(query.status, STATUSES),
    kind: pick(query.kind, KINDS),
    group: text(query.group, 64),
    tag: text(query.tag, 200),
    page: int(query.page, 1),
    size: int(query.size, DEFAULT_STATE.size, PAGE_SIZES),
  }
}

/** State → URL query, omitting defaults so a plain `/monitors` stays clean. */
export function toQuery(s: ListState): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (s.q.trim()) out.q = s.q.trim()
  if (s.status) out.status = s.status
  if (s.kind) out.kind = s.kind
  if (s.group) out.group = s.group
  if (s.tag) out.tag = s.tag
  if (s.page !== 1) out.page = String(s.page)
  if (s.size !== DEFAULT_STATE.size) out.size = String(s.size)
  return out
}

export function hasQuery(query: LocationQuery): boolean {
  return ['q', 'status', 'kind', 'group', 'tag', 'page', 'size'].some((k) => query[k] !== undefined)
}

/** The URL wins; without one, the last state this browser used. */
export function initialState(query: LocationQuery, storage: Pick<Storage, 'getItem'> | null): ListState {
  if (hasQuery(query) || !storage) return parseListState(query)
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as unknown
    return saved && typeof saved === 'object' ? parseListState(saved as Record<string, unknown>) : { ...DEFAULT_STATE }
  } catch {
    return { ...DEFAULT_STATE }
  }
}

/** The list endpoint's query for this state: every filter is applied by the server. */
export function toServerQuery(s: ListState): Record<string, string | number> {
  const out: Record<string, string | number> = s.q.trim() ? { q: s.q.trim() } : {}
  out.limit = s.size
  out.offset = (s.page - 1) * s.size
  if (s.status) out.status = s.status
  if (s.kind) out.kind = s.kind
  if (s.group) out.group_id = s.group
  if (s.tag) out.tag = s.tag
  return out
}

/** True when a search or filter narrows the list (an empty page then means "no match", not "no monitors"). */
export const isFiltered = (s: ListState): boolean =>
  s.q.trim() !== '' || s.status !== null || s.kind !== null || s.group !== null || s.tag !== null
