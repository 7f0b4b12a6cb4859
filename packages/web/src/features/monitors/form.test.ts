import type { Monitor } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { buildInput, emptyForm, formFromMonitor, headerRow, issuesToFieldErrors, parseStatusCodes } from './form'

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
  conditions: [],
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
  team_id: null,
  status: 'up',
  status_since: null,
  last_checked_at: null,
  last_response_time_ms: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
} satisfies Monitor

describe('buildInput', () => {
  it('round-trips a monitor into the same config payload', () => {
    const { input, errors } = buildInput(formFromMonitor(monitor))
    expect(errors).toEqual({})
    expect(input).toEqual({
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
    })
  })

  it('drops the body for GET and ignores blank header rows', () => {
    const state = { ...emptyForm(), name: 'x', url: 'http://localhost:8080', body: 'ignored' }
    state.headers = [headerRow('', ''), headerRow('Accept', 'text/html')]
    expect(buildInput(state).input).toMatchObject({
      method: 'GET',
      body: null,
      custom_headers: { Accept: 'text/html' },
    })
  })

  it('reports every field it can check locally, and builds nothing', () => {
    const state = {
      ...emptyForm(),
      name: '  ',
      url: 'ftp://example.com',
      interval_seconds: 5,
      timeout_seconds: '',
      expected_status_codes: '2xx',
      headers: [headerRow('Bad Header', 'v'), headerRow('X-A', '1'), headerRow('x-a', '2')],
    }
    const { input, errors } = buildInput(state)
    expect(input).toBeNull()
    expect(errors).toEqual({
      name: { key: 'required' },
      url: { key: 'url' },
      interval_seconds: { key: 'intervalMin' },
      timeout_seconds: { key: 'integer' },
      expected_status_codes: { key: 'statusCodeInvalid', params: { token: '2xx' } },
      'headers.0': { key: 'headerName' },
      'headers.2': { key: 'headerDuplicate' },
    })
  })

  it('bounds the timeout, and keeps it within the interval', () => {
    const state = { ...emptyForm(), name: 'x', url: 'https://a.example', interval_seconds: 120, timeout_seconds: 61 }
    expect(buildInput(state).errors).toEqual({ timeout_seconds: { key: 'timeoutRange' } })
    expect(buildInput({ ...state, timeout_seconds: 20, interval_seconds: 15 }).errors).toEqual({
      timeout_seconds: { key: 'timeoutOverInterval' },
    })
    expect(buildInput({ ...state, timeout_seconds: 15, interval_seconds: 15 }).errors).toEqual({})
  })
})

describe('issuesToFieldErrors', () => {
  it('maps body.* paths onto fields and header rows, keeping the first message per field', () => {
    const headers = [headerRow('Accept', 'x'), headerRow('Host', 'evil')]
    const { fields, other } = issuesToFieldErrors(
      [
        { path: 'body.url', message: 'expected an http:// or https:// URL' },
        { path: 'body.interval_seconds', message: 'Too small: expected number to be >=10' },
        { path: 'body.expected_status_codes.1', message: 'expected a status code range like "200-299"' },
        { path: 'body.expected_status_codes.2', message: 'second message is not shown' },
        { path: 'body.custom_headers.Host', message: 'these headers cannot be set: host' },
        { path: 'body.custom_headers', message: 'at most 20 headers' },
        { path: 'body.owner_id', message: 'Unrecognized key: "owner_id"' },
        { path: 'timeout_seconds', message: 'must not exceed interval_seconds' },
      ],
      { headers },
    )
    expect(fields).toEqual({
      url: { text: 'expected an http:// or https:// URL' },
      interval_seconds: { text: 'Too small: expected number to be >=10' },
      expected_status_codes: { text: 'expected a status code range like "200-299"' },
      'headers.1': { text: 'these headers cannot be set: host' },
      custom_headers: { text: 'at most 20 headers' },
      timeout_seconds: { text: 'must not exceed interval_seconds' },
    })
    expect(other).toEqual(['Unrecognized key: "owner_id"'])
  })
})
