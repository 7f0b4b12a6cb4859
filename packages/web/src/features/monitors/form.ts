import type { ErrorIssue, Monitor, MonitorCreateInput, MonitorOf, NetworkScope, StatusCodeSpec } from '@whatisup/shared'
import { parseStatusRange } from '@whatisup/shared/status-codes'
import type { MessageSchema } from '../../i18n/en'

export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
] as const satisfies readonly MonitorOf<'http'>['method'][]
export type HttpMethod = (typeof HTTP_METHODS)[number]
export const NETWORK_SCOPES = ['all', 'internal', 'external'] as const satisfies readonly NetworkScope[]

/** Methods whose requests carry no body: the body field is hidden and sent as null. */
export const methodHasBody = (method: HttpMethod) => method !== 'GET' && method !== 'HEAD'

export interface HeaderRow {
  id: number
  key: string
  value: string
}

/** What the inputs hold: numbers stay `number | string` because an emptied number input yields ''. */
export interface MonitorFormState {
  name: string
  url: string
  method: HttpMethod
  interval_seconds: number | string
  timeout_seconds: number | string
  expected_status_codes: string
  follow_redirects: boolean
  max_redirects: number | string
  headers: HeaderRow[]
  body: string
  network_scope: NetworkScope
  enabled: boolean
}

export type ErrorKey = keyof MessageSchema['form']['errors']
/** A client-side error is a message key; a server-side one is the server's text. */
export type FieldError = { key: ErrorKey; params?: Record<string, string | number> } | { text: string }
/** Keyed by field name, or `headers.<row index>` for one header row. */
export type FieldErrors = Record<string, FieldError>

let nextRowId = 1
export const headerRow = (key = '', value = ''): HeaderRow => ({ id: nextRowId++, key, value })

export function emptyForm(): MonitorFormState {
  return {
    name: '',
    url: 'https://',
    method: 'GET',
    interval_seconds: 60,
    timeout_seconds: 10,
    expected_status_codes: '200-299',
    follow_redirects: true,
    max_redirects: 10,
    headers: [],
    body: '',
    network_scope: 'all',
    enabled: true,
  }
}

export function formFromMonitor(monitor: Monitor): MonitorFormState {
  if (monitor.check_type !== 'http') throw new Error(`the form edits http monitors, not ${monitor.check_type}`)
  const m = monitor as MonitorOf<'http'>
  return {
    name: m.name,
    url: m.url,
    method: m.method,
    interval_seconds: m.interval_seconds,
    timeout_seconds: m.timeout_seconds,
    expected_status_codes: formatStatusCodes(m.expected_status_codes),
    follow_redirects: m.follow_redirects,
    max_redirects: m.max_redirects,
    headers: Object.entries(m.custom_headers).map(([k, v]) => headerRow(k, v)),
    body: m.body ?? '',
    network_scope: m.network_scope,
    enabled: m.enabled,
  }
}

export type ParsedStatusCodes = { ok: true; value: StatusCodeSpec[] } | { ok: false; error: FieldError }

/**
 * "200-299, 301" → ['200-299', 301]. Commas, semicolons or spaces separate entries; a range may
 * have spaces around its dash; duplicates are dropped.
 */
export function parseStatusCodes(text: string): ParsedStatusCodes {
  const tokens = text
    .replace(/\s*-\s*/g, '-')
    .split(/[\s,;]+/)
    .filter(Boolean)
  if (tokens.length === 0) return { ok: false, error: { key: 'statusCodesEmpty' } }
  const value: StatusCodeSpec[] = []
  for (const token of tokens) {
    let spec: StatusCodeSpec | null = null
    if (/^\d{3}$/.test(token)) {
      const code = Number(token)
      if (code >= 100 && code <= 599) spec = code
    } else if (parseStatusRange(token)) {
      spec = token
    }
    if (spec === null) return { ok: false, error: { key: 'statusCodeInvalid', params: { token } } }
    if (!value.includes(spec)) value.push(spec)
  }
  return { ok: true, value }
}

export const formatStatusCodes = (codes: readonly StatusCodeSpec[]) => codes.join(', ')

function toInt(value: number | string): number | null {
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value)
  return Number.isInteger(n) ? n : null
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value)
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
  } catch {
    return false
  }
}

/**
 * Checks what the browser can check (the server re-validates everything) and builds the API
 * payload. Returns the payload only when there are no errors.
 */
export function buildInput(state: MonitorFormState): { input: MonitorCreateInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const name = state.name.trim()
  if (!name) errors.name = { key: 'required' }
  const url = state.url.trim()
  if (!url) errors.url = { key: 'required' }
  else if (!isHttpUrl(url)) errors.url = { key: 'url' }

  const interval = toInt(state.interval_seconds)
  if (interval === null) errors.interval_seconds = { key: 'integer' }
  else if (interval < 10 || interval > 86_400) errors.interval_seconds = { key: 'intervalMin' }
  const timeout = toInt(state.timeout_seconds)
  if (timeout === null) errors.timeout_seconds = { key: 'integer' }
  else if (timeout < 1 || timeout > 60) errors.timeout_seconds = { key: 'timeoutRange' }
  else if (interval !== null && timeout > interval) errors.timeout_seconds = { key: 'timeoutOverInterval' }
  const maxRedirects = toInt(state.max_redirects)
  if (maxRedirects === null || maxRedirects < 0 || maxRedirects > 20) errors.max_redirects = { key: 'redirectsRange' }

  const codes = parseStatusCodes(state.expected_status_codes)
  if (!codes.ok) errors.expected_status_codes = codes.error

  const headers: Record<string, string> = {}
  const seen = new Set<string>()
  state.headers.forEach((row, i) => {
    const key = row.key.trim()
    if (!key && !row.value.trim()) return
    if (!/^[A-Za-z0-9-]{1,100}$/.test(key)) errors[`headers.${i}`] = { key: 'headerName' }
    else if (seen.has(key.toLowerCase())) errors[`headers.${i}`] = { key: 'headerDuplicate' }
    else if (!row.value) errors[`headers.${i}`] = { key: 'headerValue' }
    seen.add(key.toLowerCase())
    headers[key] = row.value
  })

  if (Object.keys(errors).length > 0 || interval === null || timeout === null || maxRedirects === null || !codes.ok) {
    return { input: null, errors }
  }
  return {
    errors,
    input: {
      name,
      url,
      method: state.method,
      interval_seconds: interval,
      timeout_seconds: timeout,
      expected_status_codes: codes.value,
      follow_redirects: state.follow_redirects,
      max_redirects: maxRedirects,
      custom_headers: headers,
      body: methodHasBody(state.method) && state.body !== '' ? state.body : null,
      network_scope: state.network_scope,
      enabled: state.enabled,
    },
  }
}

const FORM_FIELDS = new Set<string>([
  'name',
  'url',
  'method',
  'interval_seconds',
  'timeout_seconds',
  'expected_status_codes',
  'follow_redirects',
  'max_redirects',
  'body',
  'network_scope',
  'enabled',
])

/**
 * Maps a 400's `details.issues` onto the form. Paths look like `body.url`,
 * `body.expected_status_codes.0` or `body.custom_headers.X-Api-Key`; what matches no field is
 * returned in `other` so it is still shown.
 */
export function issuesToFieldErrors(
  issues: readonly ErrorIssue[],
  state: Pick<MonitorFormState, 'headers'>,
): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {}
  const other: string[] = []
  for (const issue of issues) {
    const [first, ...rest] = issue.path.split('.')
    const segments = first === 'body' ? rest : [first ?? '', ...rest]
    const [field, ...sub] = segments
    let target: string | null = null
    if (field && FORM_FIELDS.has(field)) target = field
    else if (field === 'custom_headers') {
      const name = sub.join('.')
      const row = name ? state.headers.findIndex((h) => h.key.trim() === name) : -1
      target = row >= 0 ? `headers.${row}` : 'custom_headers'
    }
    if (target === null) other.push(issue.message)
    else fields[target] ??= { text: issue.message }
  }
  return { fields, other }
}
