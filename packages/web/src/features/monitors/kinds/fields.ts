import type { MessageSchema } from '../../../i18n/en'

export type ErrorKey = keyof MessageSchema['form']['errors']
/** A client-side error is a message key; a server-side one is the server's text. */
export type FieldError = { key: ErrorKey; params?: Record<string, string | number> } | { text: string }
/** Keyed by API field path (`port`, `auth.password`), `headers.<row>` for a header row, `conditions.<n>`. */
export type FieldErrors = Record<string, FieldError>

/** What a number input holds: an emptied one yields ''. */
export type NumInput = number | string

export interface HeaderRow {
  id: number
  key: string
  value: string
}

let nextRowId = 1
export const headerRow = (key = '', value = ''): HeaderRow => ({ id: nextRowId++, key, value })
export const rowsOf = (record: Readonly<Record<string, string>>) =>
  Object.entries(record).map(([k, v]) => headerRow(k, v))

export function toInt(value: NumInput): number | null {
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value)
  return Number.isInteger(n) ? n : null
}

/** An integer within bounds, or null with the error set on `field`. */
export function intIn(errors: FieldErrors, field: string, value: NumInput, min: number, max: number): number | null {
  const n = toInt(value)
  if (n === null) errors[field] = { key: 'integer' }
  else if (n < min || n > max) errors[field] = { key: 'range', params: { min, max } }
  else return n
  return null
}

/** Like {@link intIn}, but an empty input means "not set" (`null`); `undefined` means invalid. */
export function optionalIntIn(
  errors: FieldErrors,
  field: string,
  value: NumInput,
  min: number,
  max: number,
): number | null | undefined {
  if (typeof value === 'string' && value.trim() === '') return null
  return intIn(errors, field, value, min, max) ?? undefined
}

export function numberIn(errors: FieldErrors, field: string, value: NumInput, min: number, max: number): number | null {
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value)
  if (!Number.isFinite(n)) errors[field] = { key: 'number' }
  else if (n < min || n > max) errors[field] = { key: 'range', params: { min, max } }
  else return n
  return null
}

export function required(errors: FieldErrors, field: string, value: string): string {
  const v = value.trim()
  if (!v) errors[field] = { key: 'required' }
  return v
}

/** `''` → null: optional text settings are null when unset. */
export const orNull = (value: string) => (value === '' ? null : value)

export function isUrlWith(value: string, schemes: readonly string[]): boolean {
  try {
    const u = new URL(value)
    return schemes.includes(u.protocol.slice(0, -1)) && u.hostname !== ''
  } catch {
    return false
  }
}

/** A host name or IP literal, without scheme, port or path (the server applies the exact rule). */
export function hostField(errors: FieldErrors, field: string, value: string): string {
  const v = required(errors, field, value)
  if (v && (/[\s/@]/.test(v) || (v.includes(':') && !/^[0-9A-Fa-f:.]+$/.test(v)))) errors[field] = { key: 'host' }
  return v
}

/** Header rows → record; blank rows are skipped, bad or repeated names flagged on their row. */
export function headersFrom(
  errors: FieldErrors,
  prefix: string,
  rows: readonly HeaderRow[],
  opts: { valueRequired: boolean },
): Record<string, string> {
  const out: Record<string, string> = {}
  const seen = new Set<string>()
  rows.forEach((row, i) => {
    const key = row.key.trim()
    if (!key && !row.value.trim()) return
    if (!/^[A-Za-z0-9-]{1,100}$/.test(key)) errors[`${prefix}.${i}`] = { key: 'headerName' }
    else if (seen.has(key.toLowerCase())) errors[`${prefix}.${i}`] = { key: 'headerDuplicate' }
    else if (!row.value && opts.valueRequired) errors[`${prefix}.${i}`] = { key: 'headerValue' }
    seen.add(key.toLowerCase())
    out[key] = row.value
  })
  return out
}

/** One entry per line (or comma): lists like DNS resolvers and expected values. */
export const splitList = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean)

/**
 * A stored secret reads as "" from the API. Sending "" keeps it; `null` (or `clear`) removes it.
 * Without a stored value an empty input means "no secret".
 */
export interface SecretInput {
  value: string
  /** The monitor already has one (editing): an empty input keeps it. */
  stored: boolean
  /** Remove the stored one. */
  clear: boolean
}
export const emptySecret = (stored = false): SecretInput => ({ value: '', stored, clear: false })
/** For nullable secrets (service passwords). */
export const secretOrNull = (s: SecretInput): string | null =>
  s.clear ? null : s.value !== '' ? s.value : s.stored ? '' : null

/**
 * Compile-time check that `list` names every member of `T`, so a value added in `shared` fails the
 * web build until the form offers it.
 *
 * @example
 * const FAMILIES = allOf<'auto' | 'ipv4' | 'ipv6'>()(['auto', 'ipv4', 'ipv6'] as const)
 */
export const allOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })) =>
    list
