import type { KindSettings, MonitorOf, StatusCodeSpec } from '@whatisup/shared'
import { parseStatusRange } from '@whatisup/shared/status-codes'
import {
  allOf,
  emptySecret,
  type FieldError,
  type FieldErrors,
  type HeaderRow,
  headersFrom,
  intIn,
  isUrlWith,
  type NumInput,
  optionalIntIn,
  orNull,
  required,
  rowsOf,
  type SecretInput,
} from './fields'

type Http = KindSettings<'http'>
export type HttpMethod = Http['method']
export type IpFamily = Http['ip_family']
export type JsonPathOperator = Http['json_path_operator']
export type HttpAuthType = 'none' | NonNullable<Http['auth']>['type']

export const HTTP_METHODS = allOf<HttpMethod>()(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
export const IP_FAMILIES = allOf<IpFamily>()(['auto', 'ipv4', 'ipv6'])
export const JSON_PATH_OPERATORS = allOf<JsonPathOperator>()(['==', '!=', '<', '<=', '>', '>=', 'contains'])
export const HTTP_AUTH_TYPES = allOf<HttpAuthType>()(['none', 'basic', 'bearer'])

/** Methods whose requests carry no body: the body field is hidden and sent as null. */
export const methodHasBody = (method: HttpMethod) => method !== 'GET' && method !== 'HEAD'

export interface HttpState {
  url: string
  method: HttpMethod
  headers: HeaderRow[]
  body: string
  expected_status_codes: string
  follow_redirects: boolean
  max_redirects: NumInput
  auth_type: HttpAuthType
  auth_username: string
  auth_password: SecretInput
  auth_token: SecretInput
  ip_family: IpFamily
  ignore_tls_errors: boolean
  client_cert: string
  client_key: SecretInput
  keyword: string
  keyword_negate: boolean
  body_regex: string
  expected_headers: HeaderRow[]
  json_path: string
  json_path_operator: JsonPathOperator
  json_path_expected: string
  json_schema: string
  max_response_time_ms: NumInput
  ssl_expiry_min_days: NumInput
  ssl_pin_sha256: string
}

export function emptyHttp(): HttpState {
  return {
    url: 'https://',
    method: 'GET',
    headers: [],
    body: '',
    expected_status_codes: '200-299',
    follow_redirects: true,
    max_redirects: 10,
    auth_type: 'none',
    auth_username: '',
    auth_password: emptySecret(),
    auth_token: emptySecret(),
    ip_family: 'auto',
    ignore_tls_errors: false,
    client_cert: '',
    client_key: emptySecret(),
    keyword: '',
    keyword_negate: false,
    body_regex: '',
    expected_headers: [],
    json_path: '',
    json_path_operator: '==',
    json_path_expected: '',
    json_schema: '',
    max_response_time_ms: '',
    ssl_expiry_min_days: '',
    ssl_pin_sha256: '',
  }
}

export function httpFromMonitor(m: MonitorOf<'http'>): HttpState {
  return {
    url: m.url,
    method: m.method,
    headers: rowsOf(m.custom_headers),
    body: m.body ?? '',
    expected_status_codes: formatStatusCodes(m.expected_status_codes),
    follow_redirects: m.follow_redirects,
    max_redirects: m.max_redirects,
    auth_type: m.auth?.type ?? 'none',
    auth_username: m.auth?.type === 'basic' ? m.auth.username : '',
    auth_password: emptySecret(m.auth?.type === 'basic'),
    auth_token: emptySecret(m.auth?.type === 'bearer'),
    ip_family: m.ip_family,
    ignore_tls_errors: m.ignore_tls_errors,
    client_cert: m.client_cert?.cert ?? '',
    client_key: emptySecret(m.client_cert !== null),
    keyword: m.keyword ?? '',
    keyword_negate: m.keyword_negate,
    body_regex: m.body_regex ?? '',
    expected_headers: rowsOf(m.expected_headers),
    json_path: m.json_path ?? '',
    json_path_operator: m.json_path_operator,
    json_path_expected: m.json_path_expected ?? '',
    json_schema: m.json_schema ? JSON.stringify(m.json_schema, null, 2) : '',
    max_response_time_ms: m.max_response_time_ms ?? '',
    ssl_expiry_min_days: m.ssl_expiry_min_days ?? '',
    ssl_pin_sha256: m.ssl_pin_sha256 ?? '',
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

function authOf(s: HttpState, errors: FieldErrors): Http['auth'] {
  switch (s.auth_type) {
    case 'none':
      return null
    case 'basic':
      return {
        type: 'basic',
        username: required(errors, 'auth.username', s.auth_username),
        password: s.auth_password.value,
      }
    case 'bearer':
      if (!s.auth_token.value && !s.auth_token.stored) errors['auth.token'] = { key: 'required' }
      return { type: 'bearer', token: s.auth_token.value }
  }
}

function clientCertOf(s: HttpState, errors: FieldErrors): Http['client_cert'] {
  const cert = s.client_cert.trim()
  if (!cert) {
    if (s.client_key.value) errors['client_cert.cert'] = { key: 'required' }
    return null
  }
  if (!cert.includes('-----BEGIN ')) errors['client_cert.cert'] = { key: 'pem' }
  if (!s.client_key.value && !s.client_key.stored) errors['client_cert.key'] = { key: 'required' }
  return { cert, key: s.client_key.value }
}

function jsonSchemaOf(text: string, errors: FieldErrors): Http['json_schema'] {
  if (!text.trim()) return null
  try {
    const value: unknown = JSON.parse(text)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    errors.json_schema = { key: 'json' }
    return null
  }
  errors.json_schema = { key: 'jsonObject' }
  return null
}

export function buildHttp(s: HttpState, errors: FieldErrors): Http {
  const url = required(errors, 'url', s.url)
  if (url && !isUrlWith(url, ['http', 'https'])) errors.url = { key: 'url' }
  const maxRedirects = intIn(errors, 'max_redirects', s.max_redirects, 0, 20)
  const codes = parseStatusCodes(s.expected_status_codes)
  if (!codes.ok) errors.expected_status_codes = codes.error
  const maxResponse = optionalIntIn(errors, 'max_response_time_ms', s.max_response_time_ms, 1, 600_000)
  const sslDays = optionalIntIn(errors, 'ssl_expiry_min_days', s.ssl_expiry_min_days, 0, 365)
  const pin = s.ssl_pin_sha256.trim().toLowerCase().replace(/:/g, '')
  if (pin && !/^[a-f0-9]{64}$/.test(pin)) errors.ssl_pin_sha256 = { key: 'pin' }
  const settings: Http = {
    url,
    method: s.method,
    custom_headers: headersFrom(errors, 'headers', s.headers, { valueRequired: true }),
    body: methodHasBody(s.method) && s.body !== '' ? s.body : null,
    expected_status_codes: codes.ok ? codes.value : [],
    follow_redirects: s.follow_redirects,
    max_redirects: maxRedirects ?? 0,
    auth: authOf(s, errors),
    ip_family: s.ip_family,
    ignore_tls_errors: s.ignore_tls_errors,
    client_cert: clientCertOf(s, errors),
    keyword: orNull(s.keyword),
    keyword_negate: s.keyword_negate,
    body_regex: orNull(s.body_regex),
    expected_headers: headersFrom(errors, 'expected_headers', s.expected_headers, { valueRequired: false }),
    json_path: orNull(s.json_path.trim()),
    json_path_operator: s.json_path_operator,
    json_path_expected: s.json_path.trim() ? orNull(s.json_path_expected) : null,
    json_schema: jsonSchemaOf(s.json_schema, errors),
    max_response_time_ms: maxResponse ?? null,
    ssl_expiry_min_days: sslDays ?? null,
    ssl_pin_sha256: orNull(pin),
  }
  return settings
}

export const HTTP_FIELDS = [
  'url',
  'method',
  'custom_headers',
  'body',
  'expected_status_codes',
  'follow_redirects',
  'max_redirects',
  'auth',
  'auth.username',
  'auth.password',
  'auth.token',
  'ip_family',
  'ignore_tls_errors',
  'client_cert',
  'client_cert.cert',
  'client_cert.key',
  'keyword',
  'body_regex',
  'expected_headers',
  'json_path',
  'json_path_operator',
  'json_path_expected',
  'json_schema',
  'max_response_time_ms',
  'ssl_expiry_min_days',
  'ssl_pin_sha256',
] as const
