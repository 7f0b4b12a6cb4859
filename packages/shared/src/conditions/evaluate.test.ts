import { afterEach, describe, expect, it, vi } from 'vitest'
import { evaluateCondition, evaluateConditions, parseCondition } from './index.js'
import type { ConditionContext, ParsedCondition } from './types.js'

const DAY = 86_400_000
const body = JSON.stringify({
  data: {
    items: [{ status: 'UP', id: 7 }, { status: 'DOWN' }],
    count: '12',
    name: 'alpha',
    empty: null,
    tags: { a: 1, b: 2 },
  },
  version: '1.10',
  ok: true,
})

const ctx = (): ConditionContext => ({
  status: 200,
  responseTimeMs: 245,
  body,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'abc-123' },
  ip: '10.0.0.5',
  connected: true,
  certificateExpiresInMs: 30 * DAY,
  domainExpiresInMs: 200 * DAY,
  dnsRcode: 'NOERROR',
  values: { RESULT: { rows: 3, state: 'ok' }, DNS_ANSWERS: ['1.2.3.4', '5.6.7.8'] },
})

const options = { placeholders: ['RESULT', 'DNS_ANSWERS'] }

function parse(text: string): ParsedCondition {
  const parsed = parseCondition(text, options)
  if (!parsed.ok) throw new Error(`${text}: ${parsed.message} at ${parsed.position}`)
  return parsed
}

function run(text: string, context: ConditionContext = ctx()) {
  return evaluateCondition(parse(text), context)
}

// [condition, success, actual]
const cases: [string, boolean, string][] = [
  // operators on [STATUS]
  ['[STATUS] == 200', true, '200'],
  ['[STATUS] != 200', false, '200'],
  ['[STATUS] < 300', true, '200'],
  ['[STATUS] <= 200', true, '200'],
  ['[STATUS] > 200', false, '200'],
  ['[STATUS] >= 200', true, '200'],
  ['[status] == 200', true, '200'],
  ['[STATUS] == "200"', true, '200'],
  ['[STATUS] == UP', false, '200'],
  // any(), ranges, pat()
  ['[STATUS] == any(200, 201)', true, '200'],
  ['[STATUS] == any(300..399, 404)', false, '200'],
  ['[STATUS] == any(200..299)', true, '200'],
  ['[STATUS] != any(500..599)', true, '200'],
  ['[STATUS] == pat(2*)', true, '200'],
  // [RESPONSE_TIME] in ms, durations on the right
  ['[RESPONSE_TIME] < 300', true, '245ms'],
  ['[RESPONSE_TIME] < 1s', true, '245ms'],
  ['[RESPONSE_TIME] > 0.2s', true, '245ms'],
  ['[RESPONSE_TIME] >= 250', false, '245ms'],
  // [BODY] raw
  ['[BODY] == pat(*"name":"alpha"*)', true, body],
  ['[BODY] == contains("\\"ok\\":true")', true, body],
  ['[BODY] != contains(maintenance)', true, body],
  ['[BODY] == regex("\\"count\\":\\s*\\"\\d+\\"")', true, body],
  ['[BODY] == regex("ITEMS", i)', true, body],
  ['[BODY] == regex(ITEMS)', false, body],
  ['len([BODY]) > 10', true, String(body.length)],
  // JSON paths, arrays, missing keys
  ['[BODY].data.items[0].status == UP', true, 'UP'],
  ['[BODY].data.items[1].status == UP', false, 'DOWN'],
  ['[BODY].data.items.1.status == DOWN', true, 'DOWN'],
  ['[BODY].data.items[5].status == UP', false, 'null'],
  ['[BODY].data.missing == x', false, 'null'],
  ['[BODY].data.missing != x', false, 'null'],
  ['[BODY]["data"]["name"] == alpha', true, 'alpha'],
  ['[BODY].data.empty == null', true, 'null'],
  ['[BODY].data == pat(*"name":"alpha"*)', true, JSON.stringify(JSON.parse(body).data)],
  ['[BODY].ok == true', true, 'true'],
  // numeric vs string comparison
  ['[BODY].data.count == 12', true, '12'],
  ['[BODY].data.count > 9', true, '12'],
  ['[BODY].version == 1.1', true, '1.10'],
  ['[BODY].version == "1.10"', true, '1.10'],
  ['[BODY].data.name == "alpha"', true, 'alpha'],
  ['[BODY].data.name == Alpha', false, 'alpha'],
  ['[BODY].data.count == len([BODY].data.items)', false, '12'],
  // len() and has()
  ['len([BODY].data.items) == 2', true, '2'],
  ['len([BODY].data.name) == 5', true, '5'],
  ['len([BODY].data.tags) == 2', true, '2'],
  ['len([BODY].data.nope) == 0', false, 'null'],
  ['has([BODY].data.empty) == true', true, 'true'],
  ['has([BODY].data.nope) == false', true, 'false'],
  ['has([BODY].data.nope)', false, 'false'],
  ['has([BODY].data.items[1]) != false', true, 'true'],
  // headers, case-insensitive names
  ['[HEADERS].Content-Type == pat(application/json*)', true, 'application/json; charset=utf-8'],
  ['[HEADERS].X-REQUEST-ID == abc-123', true, 'abc-123'],
  ['[HEADERS].content-type == regex(^application/(json|xml))', true, 'application/json; charset=utf-8'],
  ['[HEADERS].content-type == contains(charset=utf-8)', true, 'application/json; charset=utf-8'],
  ['[HEADERS].x-missing == a', false, 'null'],
  ['has([HEADERS].X-Request-Id)', true, 'true'],
  ['len([HEADERS]) == 2', true, '2'],
  // [IP], [CONNECTED], [DNS_RCODE]
  ['[IP] == 10.0.0.5', true, '10.0.0.5'],
  ['[IP] == pat(10.*)', true, '10.0.0.5'],
  ['[CONNECTED] == true', true, 'true'],
  ['[CONNECTED] == false', false, 'true'],
  ['[DNS_RCODE] == NOERROR', true, 'NOERROR'],
  ['[DNS_RCODE] != NXDOMAIN', true, 'NOERROR'],
  // expirations compare in ms against durations
  ['[CERTIFICATE_EXPIRATION] > 48h', true, '30d'],
  ['[CERTIFICATE_EXPIRATION] > 31d', false, '30d'],
  ['[CERTIFICATE_EXPIRATION] > 1d12h', true, '30d'],
  ['[DOMAIN_EXPIRATION] > 720h', true, '200d'],
  ['[DOMAIN_EXPIRATION] < 90s', false, '200d'],
  // extra placeholders from `values`
  ['[RESULT].rows == 3', true, '3'],
  ['[RESULT].state == any(ok, warn)', true, 'ok'],
  ['len([DNS_ANSWERS]) == 2', true, '2'],
  ['[DNS_ANSWERS][0] == 1.2.3.4', true, '1.2.3.4'],
  ['[DNS_ANSWERS] == pat(*5.6.7.8*)', true, '["1.2.3.4","5.6.7.8"]'],
]

describe('evaluateCondition', () => {
  it.each(cases)('%s → %s (%s)', (text, success, actual) => {
    const out = run(text)
    expect({ success: out.success, actual: out.actual }).toEqual({ success, actual: actual.slice(0, 200) })
    expect(out.condition).toBe(text)
  })

  it('explains why a value is missing', () => {
    expect(run('[STATUS] == 200', {})).toEqual({
      condition: '[STATUS] == 200',
      success: false,
      actual: 'null',
      severity: 'down',
      error: 'no [STATUS] for this check',
    })
    expect(run('[BODY].a == 1', { body: '<html>' }).error).toBe('[BODY] is not JSON')
    expect(run('[BODY].a.b == 1', { body: '{"a":{}}' }).error).toBe('[BODY].a.b not found')
    expect(run('has([BODY].a) == false', { body: '<html>' }).success).toBe(true)
    expect(run('[BODY] == pat(<html>*)', { body: '<html> hi' }).success).toBe(true)
  })

  it('fails ordering comparisons on non-numbers with an error', () => {
    const out = run('[BODY].data.name < len([BODY].data.items)')
    expect(out.success).toBe(false)
    expect(out.error).toMatch(/needs numbers on both sides, got "alpha"/)
    expect(run('[STATUS] == 200').error).toBeUndefined()
  })

  it('matches globs exactly, with escaped stars', () => {
    const glob = (g: string, s: string) => run(`[BODY] == pat(${g})`, { body: s }).success
    expect(glob('a*b*c', 'abc')).toBe(true)
    expect(glob('a*b*c', 'aXbYc')).toBe(true)
    expect(glob('a*b*c', 'acb')).toBe(false)
    expect(glob('*', '')).toBe(true)
    expect(glob('ab*ba', 'aba')).toBe(false)
    expect(glob('a\\*b', 'a*b')).toBe(true)
    expect(glob('a\\*b', 'axb')).toBe(false)
  })

  it('keeps actual short and on one line', () => {
    const big = `<html>\n${'x'.repeat(5000)}</html>`
    const out = run('[BODY] == contains(nope)', { body: big })
    expect(out.actual.length).toBeLessThanOrEqual(200)
    expect(out.actual).toMatch(/^<html> x+…$/)
  })

  it('runs a regex against the first 1 MiB only; contains() sees everything', () => {
    const big = `${'a'.repeat(1_048_576)}NEEDLE`
    expect(run('[BODY] == regex(NEEDLE)', { body: big }).success).toBe(false)
    expect(run('[BODY] == contains(NEEDLE)', { body: big }).success).toBe(true)
  })

  it('reads a list of conditions on a frozen context and parses the body once', () => {
    const list = ['[BODY].ok == true', 'len([BODY].data.items) == 2', 'has([BODY].version)'].map(parse)
    const jsonParse = vi.spyOn(JSON, 'parse')
    const frozen = Object.freeze(ctx())
    expect(evaluateConditions(list, frozen).success).toBe(true)
    expect(jsonParse).toHaveBeenCalledTimes(1)
  })

  afterEach(() => {
    vi.restoreAllMocks()
  })
})

describe('evaluateConditions severity', () => {
  const list = ['[STATUS] == 200', '[RESPONSE_TIME] <= 200 ~degraded', '[CERTIFICATE_EXPIRATION] > 7d ~degraded'].map(
    parse,
  )

  it.each([
    [{ status: 200, responseTimeMs: 100, certificateExpiresInMs: 30 * DAY }, 'up', true],
    [{ status: 200, responseTimeMs: 900, certificateExpiresInMs: 30 * DAY }, 'degraded', false],
    [{ status: 200, responseTimeMs: 100, certificateExpiresInMs: 2 * DAY }, 'degraded', false],
    [{ status: 503, responseTimeMs: 900, certificateExpiresInMs: 2 * DAY }, 'down', false],
    [{ status: 503, responseTimeMs: 100, certificateExpiresInMs: 30 * DAY }, 'down', false],
  ] as const)('%o → %s', (context, status, success) => {
    const out = evaluateConditions(list, context)
    expect(out.status).toBe(status)
    expect(out.success).toBe(success)
    expect(out.results).toHaveLength(3)
  })

  it('marks outcomes with their severity and shows response time in ms', () => {
    const out = evaluateConditions(list, { status: 200, responseTimeMs: 1200.456, certificateExpiresInMs: -DAY })
    expect(out.results[1]).toEqual({
      condition: '[RESPONSE_TIME] <= 200 ~degraded',
      success: false,
      actual: '1200.46ms',
      severity: 'degraded',
    })
    expect(out.results[2]?.actual).toBe('-1d')
  })

  it('is up for an empty list', () => {
    expect(evaluateConditions([], {})).toEqual({ success: true, status: 'up', results: [] })
  })
})
