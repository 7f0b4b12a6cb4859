import { KINDS, type Monitor, type MonitorOf, validateConditions } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import {
  buildInput,
  conditionLines,
  emptyForm,
  FORM_KINDS,
  formFromMonitor,
  headerRow,
  issuesToFieldErrors,
  type MonitorFormState,
  parseStatusCodes,
  switchKind,
} from './form'
import { KIND_FORMS } from './kinds/index'

describe('parseStatusCodes', () => {
  it.each([
    ['200-299, 301', ['200-299', 301]],
    ['200', [200]],
    [' 200 - 299 ;302  404 ', ['200-299', 302, 404]],
    ['200,200, 200-299,200-299', [200, '200-299']],
    ['100-599', ['100-599']],
  ])('%j → %j', (text, expected) => {
    expect(parseStatusCodes(text)).toEqual({ ok: true, value: expected })
  })

  it.each([
    ['abc', 'abc'],
    ['200, 99', '99'],
    ['600', '600'],
    ['299-200', '299-200'],
    ['200-299-300', '200-299-300'],
    ['20x', '20x'],
  ])('rejects %j, naming the bad entry', (text, token) => {
    expect(parseStatusCodes(text)).toEqual({ ok: false, error: { key: 'statusCodeInvalid', params: { token } } })
  })

  it('asks for at least one entry', () => {
    expect(parseStatusCodes(' , ')).toEqual({ ok: false, error: { key: 'statusCodesEmpty' } })
  })
})

const monitor = {
  id: 'm1',
  target: 'https://shop.example.com/health',
  conditions: ['[STATUS] == 200', '[BODY].ok == true'],
  failure_threshold: 2,
  recovery_threshold: 2,
  quorum: 'majority',
  flap_threshold: 5,
  flap_window_minutes: 10,
  auth: null,
  ip_family: 'auto',
  ignore_tls_errors: false,
  client_cert: null,
  keyword: null,
  keyword_negate: false,
  body_regex: null,
  expected_headers: {},
  json_path: null,
  json_path_operator: '==',
  json_path_expected: null,
  json_schema: null,
  max_response_time_ms: null,
  ssl_expiry_min_days: null,
  ssl_pin_sha256: null,
  name: 'Shop',
  check_type: 'http',
  enabled: true,
  interval_seconds: 30,
  timeout_seconds: 5,
  network_scope: 'external',
  url: 'https://shop.example.com/health',
  method: 'POST',
  custom_headers: { 'X-Api-Key': 'secret' },
  body: '{"ping":true}',
  expected_status_codes: ['200-299', 301],
  follow_redirects: false,
  max_redirects: 3,
  owner_id: 'u1',
  group_id: null,
  tags: [],
  team_id: null,
  status: 'up',
  status_since: null,
  last_checked_at: null,
  last_response_time_ms: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
} satisfies Monitor

const serverFields = {
  id: 'm2',
  owner_id: 'u1',
  group_id: null,
  tags: [],
  team_id: null,
  status: 'up',
  status_since: null,
  last_checked_at: null,
  last_response_time_ms: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
} as const

/** A form with the common fields filled, for `kind`. */
function formFor(kind: MonitorFormState['check_type']): MonitorFormState {
  const state = { ...emptyForm(), name: 'x' }
  switchKind(state, kind)
  return state
}

describe('buildInput', () => {
  it('round-trips an http monitor into the same config payload', () => {
    const { input, errors } = buildInput(formFromMonitor(monitor))
    expect(errors).toEqual({})
    expect(input).toEqual({
      check_type: 'http',
      name: 'Shop',
      url: 'https://shop.example.com/health',
      method: 'POST',
      interval_seconds: 30,
      timeout_seconds: 5,
      expected_status_codes: ['200-299', 301],
      follow_redirects: false,
      max_redirects: 3,
      custom_headers: { 'X-Api-Key': 'secret' },
      body: '{"ping":true}',
      network_scope: 'external',
      enabled: true,
      conditions: ['[STATUS] == 200', '[BODY].ok == true'],
      auth: null,
      ip_family: 'auto',
      ignore_tls_errors: false,
      client_cert: null,
      keyword: null,
      keyword_negate: false,
      body_regex: null,
      expected_headers: {},
      json_path: null,
      json_path_operator: '==',
      json_path_expected: null,
      json_schema: null,
      max_response_time_ms: null,
      ssl_expiry_min_days: null,
      ssl_pin_sha256: null,
    })
  })

  it('drops the body for GET and ignores blank header rows', () => {
    const state = formFor('http')
    Object.assign(state.kinds.http, { url: 'http://localhost:8080', body: 'ignored' })
    state.kinds.http.headers = [headerRow('', ''), headerRow('Accept', 'text/html')]
    expect(buildInput(state).input).toMatchObject({
      method: 'GET',
      body: null,
      custom_headers: { Accept: 'text/html' },
    })
  })

  it('builds the http assertion, auth and TLS settings', () => {
    const state = formFor('http')
    Object.assign(state.kinds.http, {
      url: 'https://api.example.com',
      auth_type: 'bearer',
      keyword: 'healthy',
      keyword_negate: true,
      expected_headers: [headerRow('Content-Type', '/json/i')],
      json_path: '$.status',
      json_path_operator: 'contains',
      json_path_expected: 'UP',
      json_schema: '{ "type": "object" }',
      max_response_time_ms: '800',
      ssl_expiry_min_days: 14,
      ssl_pin_sha256: 'AB:'.repeat(31) + 'AB',
    })
    state.kinds.http.auth_token.value = 'tok'
    expect(buildInput(state).input).toMatchObject({
      auth: { type: 'bearer', token: 'tok' },
      keyword: 'healthy',
      keyword_negate: true,
      expected_headers: { 'Content-Type': '/json/i' },
      json_path: '$.status',
      json_path_operator: 'contains',
      json_path_expected: 'UP',
      json_schema: { type: 'object' },
      max_response_time_ms: 800,
      ssl_expiry_min_days: 14,
      ssl_pin_sha256: 'ab'.repeat(32),
    })
  })

  it('reports every field it can check locally, and builds nothing', () => {
    const state = { ...formFor('http'), name: '  ', interval_seconds: 5, timeout_seconds: '' }
    Object.assign(state.kinds.http, {
      url: 'ftp://example.com',
      expected_status_codes: '2xx',
      headers: [headerRow('Bad Header', 'v'), headerRow('X-A', '1'), headerRow('x-a', '2')],
      json_schema: '{ nope',
      ssl_pin_sha256: 'abc',
      auth_type: 'basic',
    })
    const { input, errors } = buildInput(state)
    expect(input).toBeNull()
    expect(errors).toEqual({
      name: { key: 'required' },
      url: { key: 'url' },
      interval_seconds: { key: 'intervalMin', params: { min: 10 } },
      timeout_seconds: { key: 'integer' },
      expected_status_codes: { key: 'statusCodeInvalid', params: { token: '2xx' } },
      'headers.0': { key: 'headerName' },
      'headers.2': { key: 'headerDuplicate' },
      json_schema: { key: 'json' },
      ssl_pin_sha256: { key: 'pin' },
      'auth.username': { key: 'required' },
    })
  })

  it('bounds the timeout, and keeps it within the interval', () => {
    const state = { ...formFor('http'), interval_seconds: 120, timeout_seconds: 61 }
    state.kinds.http.url = 'https://a.example'
    expect(buildInput(state).errors).toEqual({ timeout_seconds: { key: 'timeoutRange' } })
    expect(buildInput({ ...state, timeout_seconds: 20, interval_seconds: 15 }).errors).toEqual({
      timeout_seconds: { key: 'timeoutOverInterval' },
    })
    expect(buildInput({ ...state, timeout_seconds: 15, interval_seconds: 15 }).errors).toEqual({})
  })

  it('sends only the picked kind, with every one of its settings', () => {
    const state = formFor('tcp')
    state.kinds.http.url = 'https://not-sent.example'
    Object.assign(state.kinds.tcp, { host: 'db.internal', port: '5432', tls: true, expect: '+OK' })
    state.conditions = '\n  [CONNECTED] == true  \n\n'
    expect(buildInput(state).input).toEqual({
      check_type: 'tcp',
      name: 'x',
      interval_seconds: 60,
      timeout_seconds: 10,
      network_scope: 'all',
      enabled: true,
      conditions: ['[CONNECTED] == true'],
      host: 'db.internal',
      port: 5432,
      ip_family: 'auto',
      tls: true,
      send: null,
      expect: '+OK',
    })
  })

  it('switching to domain expiry raises the interval to its hourly minimum', () => {
    const state = formFor('domain_expiry')
    expect(state.interval_seconds).toBe(3600)
    state.kinds.domain_expiry.domain = 'example.com'
    expect(buildInput({ ...state, interval_seconds: 600 }).errors).toEqual({
      interval_seconds: { key: 'intervalMin', params: { min: 3600 } },
    })
  })

  it.each([
    ['udp', { host: 'h', port: 53, payload: 'zz', payload_encoding: 'hex' }, { payload: { key: 'hex' } }],
    [
      'dns',
      { hostname: 'example.com', resolvers: '1.1.1.1\ndns.google' },
      { resolvers: { key: 'resolver', params: { value: 'dns.google' } } },
    ],
    [
      'ping',
      { host: 'https://x', count: 50 },
      { host: { key: 'host' }, count: { key: 'range', params: { min: 1, max: 20 } } },
    ],
    ['redis', { host: 'cache', request: 'FLUSHALL' }, { command: { key: 'redisCommand' } }],
    ['websocket', { url: 'https://x.example' }, { url: { key: 'wsUrl' } }],
    ['postgres', { host: '', request: '' }, { host: { key: 'required' }, query: { key: 'required' } }],
  ] as const)('checks %s fields before calling the server', (kind, fields, expected) => {
    const state = formFor(kind)
    Object.assign(state.kinds[kind], fields)
    expect(buildInput(state).errors).toEqual(expected)
  })
})

describe('secrets', () => {
  const pg = {
    ...serverFields,
    target: 'postgres://pg:5432',
    name: 'db',
    check_type: 'postgres',
    enabled: true,
    interval_seconds: 60,
    timeout_seconds: 10,
    network_scope: 'all',
    conditions: [],
    host: 'pg',
    port: 5432,
    username: 'monitor',
    password: '',
    tls: false,
    ignore_tls_errors: false,
    database: 'postgres',
    query: 'SELECT 1',
    expected_value: null,
  } as unknown as MonitorOf<'postgres'>

  it('keeps a stored password by sending "", replaces it when typed, removes it when asked', () => {
    const state = formFromMonitor(pg)
    expect(state.kinds.postgres.password).toEqual({ value: '', stored: true, clear: false })
    expect(buildInput(state).input).toMatchObject({ check_type: 'postgres', password: '' })
    state.kinds.postgres.password.value = 'new'
    expect(buildInput(state).input).toMatchObject({ password: 'new' })
    state.kinds.postgres.password.clear = true
    expect(buildInput(state).input).toMatchObject({ password: null })
  })

  it('sends no password when none is stored and none is typed', () => {
    const state = formFromMonitor({ ...pg, password: null } as MonitorOf<'postgres'>)
    expect(buildInput(state).input).toMatchObject({ password: null })
  })

  it('keeps masked http secrets and requires them only when nothing is stored', () => {
    const http = {
      ...monitor,
      auth: { type: 'basic', username: 'ops', password: '' },
      client_cert: { cert: '-----BEGIN CERTIFICATE-----\nx', key: '' },
    } as MonitorOf<'http'>
    const state = formFromMonitor(http)
    expect(buildInput(state).input).toMatchObject({
      auth: { type: 'basic', username: 'ops', password: '' },
      client_cert: { cert: '-----BEGIN CERTIFICATE-----\nx', key: '' },
    })
    const fresh = formFor('http')
    Object.assign(fresh.kinds.http, {
      url: 'https://a.example',
      auth_type: 'bearer',
      client_cert: '-----BEGIN CERTIFICATE-----',
    })
    expect(buildInput(fresh).errors).toEqual({
      'auth.token': { key: 'required' },
      'client_cert.key': { key: 'required' },
    })
  })
})

describe('issuesToFieldErrors', () => {
  it('maps body.* paths onto fields and header rows, keeping the first message per field', () => {
    const state = formFor('http')
    state.kinds.http.headers = [headerRow('Accept', 'x'), headerRow('Host', 'evil')]
    state.kinds.http.expected_headers = [headerRow('X-A', '/(/')]
    const { fields, other } = issuesToFieldErrors(
      [
        { path: 'body.url', message: 'expected an http:// or https:// URL' },
        { path: 'body.interval_seconds', message: 'Too small: expected number to be >=10' },
        { path: 'body.expected_status_codes.1', message: 'expected a status code range like "200-299"' },
        { path: 'body.expected_status_codes.2', message: 'second message is not shown' },
        { path: 'body.custom_headers.Host', message: 'these headers cannot be set: host' },
        { path: 'body.custom_headers', message: 'at most 20 headers' },
        { path: 'body.expected_headers.X-A', message: 'invalid regular expression' },
        { path: 'body.auth.password', message: 'enter this secret again' },
        { path: 'body.conditions.1', message: "unknown operator '='; use '==' (at position 9)" },
        { path: 'body.owner_id', message: 'Unrecognized key: "owner_id"' },
        { path: 'body.port', message: 'unknown field: port' },
        { path: 'timeout_seconds', message: 'must not exceed interval_seconds' },
      ],
      state,
    )
    expect(fields).toEqual({
      url: { text: 'expected an http:// or https:// URL' },
      interval_seconds: { text: 'Too small: expected number to be >=10' },
      expected_status_codes: { text: 'expected a status code range like "200-299"' },
      'headers.1': { text: 'these headers cannot be set: host' },
      custom_headers: { text: 'at most 20 headers' },
      'expected_headers.0': { text: 'invalid regular expression' },
      'auth.password': { text: 'enter this secret again' },
      'conditions.1': { text: "unknown operator '='; use '==' (at position 9)" },
      timeout_seconds: { text: 'must not exceed interval_seconds' },
    })
    expect(other).toEqual(['Unrecognized key: "owner_id"', 'unknown field: port'])
  })

  it('maps onto the picked kind’s own fields', () => {
    const { fields, other } = issuesToFieldErrors(
      [
        { path: 'body.port', message: 'Invalid input: expected number' },
        { path: 'body.resolvers.0', message: 'expected an IP or IP:port' },
      ],
      formFor('dns'),
    )
    expect(fields).toEqual({ resolvers: { text: 'expected an IP or IP:port' } })
    expect(other).toEqual(['Invalid input: expected number'])
  })
})

describe('conditions', () => {
  it('numbers the non-blank lines as the server indexes them', () => {
    expect(conditionLines('[STATUS] == 200\n\n  [BODY] == x \n')).toEqual([
      { text: '[STATUS] == 200', line: 1 },
      { text: '[BODY] == x', line: 3 },
    ])
  })

  it.each(FORM_KINDS)('the %s examples parse for their kind', (kind) => {
    const examples = KIND_FORMS[kind].examples
    expect(examples.length).toBeGreaterThan(0)
    expect(validateConditions(examples, { placeholders: KINDS[kind].placeholders })).toEqual([])
  })
})
