import { describe, expect, it } from 'vitest'
import {
  type ConditionContext,
  compileSimpleAssertions,
  evaluateConditions,
  parseCondition,
  type SimpleAssertions,
  validateConditions,
} from './index.js'

/** Compile, parse (every compiled text must parse), evaluate. */
function check(fields: SimpleAssertions, ctx: ConditionContext) {
  const texts = compileSimpleAssertions(fields)
  expect(validateConditions(texts)).toEqual([])
  const parsed = texts.map((t) => parseCondition(t)).filter((p) => p.ok)
  return evaluateConditions(parsed, ctx)
}

const full: SimpleAssertions = {
  expected_status_codes: [200, '300-399'],
  keyword: 'healthy',
  body_regex: '"version":\\s*"\\d+\\.\\d+"',
  expected_headers: { 'Content-Type': '/^application\\/json/i', 'X-Env': 'prod' },
  json_path: '$.checks.db',
  json_path_operator: '==',
  json_path_expected: 'ok',
  max_response_time_ms: 800,
}

const good: ConditionContext = {
  status: 200,
  responseTimeMs: 120,
  body: '{"status":"healthy","version":"2.14","checks":{"db":"ok"}}',
  headers: { 'content-type': 'Application/JSON', 'x-env': 'prod' },
}

describe('compileSimpleAssertions', () => {
  it('compiles every field, in a fixed order', () => {
    expect(compileSimpleAssertions(full)).toEqual([
      '[STATUS] == any(200, 300..399)',
      '[BODY] == contains("healthy")',
      '[BODY] == regex("\\"version\\":\\\\s*\\"\\\\d+\\\\.\\\\d+\\"")',
      '[HEADERS].content-type == regex("^application\\\\/json", i)',
      '[HEADERS].x-env == "prod"',
      '[BODY].checks.db == "ok"',
      '[RESPONSE_TIME] <= 800 ~degraded',
    ])
  })

  it.each([
    ['all good', {}, 'up', []],
    ['a 5xx', { status: 503 }, 'down', [0]],
    ['a redirect in range', { status: 302 }, 'up', []],
    ['slow only', { responseTimeMs: 801 }, 'degraded', [6]],
    ['slow and failing', { status: 500, responseTimeMs: 2000 }, 'down', [0, 6]],
    ['keyword gone', { body: '{"status":"sick","version":"2.14","checks":{"db":"ok"}}' }, 'down', [1]],
    ['db check failing', { body: '{"status":"healthy","version":"2.14","checks":{"db":"down"}}' }, 'down', [5]],
    ['not JSON', { body: 'healthy "version": "1.0"' }, 'down', [5]],
    ['wrong header', { headers: { 'content-type': 'text/html', 'x-env': 'prod' } }, 'down', [3]],
    ['no headers', { headers: {} }, 'down', [3, 4]],
  ] as const)('%s → %s', (_name, patch, status, failing) => {
    const out = check(full, { ...good, ...patch })
    expect(out.status).toBe(status)
    expect(out.results.flatMap((r, i) => (r.success ? [] : [i]))).toEqual(failing)
  })

  it('matches keywords literally, whatever characters they hold', () => {
    const keyword = 'a*b "quoted" \\ (paren) ~x'
    expect(check({ keyword }, { body: `xx ${keyword} yy` }).success).toBe(true)
    expect(check({ keyword }, { body: 'a-b "quoted" \\ (paren) ~x' }).success).toBe(false)
    expect(check({ keyword, keyword_negate: true }, { body: `xx ${keyword}` }).success).toBe(false)
    expect(check({ keyword, keyword_negate: true }, { body: 'clean' }).success).toBe(true)
  })

  it('compiles status specs to a single code, a range or a list', () => {
    expect(compileSimpleAssertions({ expected_status_codes: [204] })).toEqual(['[STATUS] == 204'])
    expect(compileSimpleAssertions({ expected_status_codes: ['200-299'] })).toEqual(['[STATUS] == any(200..299)'])
    expect(compileSimpleAssertions({ expected_status_codes: ['404-404', 410] })).toEqual(['[STATUS] == any(404, 410)'])
    expect(check({ expected_status_codes: ['200-299'] }, { status: 299 }).success).toBe(true)
    expect(check({ expected_status_codes: ['200-299'] }, { status: 300 }).success).toBe(false)
    expect(() => compileSimpleAssertions({ expected_status_codes: ['2xx'] })).toThrow(RangeError)
  })

  it.each([
    ['data.count', '>', '10', '{"data":{"count":12}}', true],
    ['$.data.count', '<=', '10', '{"data":{"count":12}}', false],
    ['$[0].id', '==', '7', '[{"id":7}]', true],
    ['items[1]', '!=', 'b', '{"items":["a","b"]}', false],
    ['$.name', 'contains', 'lph', '{"name":"alpha"}', true],
    ['$.flag', '==', 'true', '{"flag":true}', true],
    ['$["odd key"].v', '==', '1', '{"odd key":{"v":1}}', true],
    ['$.a b.c', '==', '1', '{"a b":{"c":1}}', true],
  ] as const)('json_path %s %s %s on %s → %s', (json_path, json_path_operator, json_path_expected, body, ok) => {
    expect(check({ json_path, json_path_operator, json_path_expected }, { body }).success).toBe(ok)
  })

  it('turns a bare json_path into an existence check', () => {
    expect(compileSimpleAssertions({ json_path: '$.data.id' })).toEqual(['has([BODY].data.id)'])
    expect(check({ json_path: 'data.id' }, { body: '{"data":{"id":null}}' }).success).toBe(true)
    expect(check({ json_path: 'data.id' }, { body: '{"data":{}}' }).success).toBe(false)
  })

  it('compiles a regex header without flags and an exact header with regex characters', () => {
    expect(compileSimpleAssertions({ expected_headers: { Server: '/^nginx/', Vary: '/' } })).toEqual([
      '[HEADERS].server == regex("^nginx")',
      '[HEADERS].vary == "/"',
    ])
    expect(check({ expected_headers: { Server: '/^nginx/' } }, { headers: { server: 'nginx/1.25' } }).success).toBe(
      true,
    )
  })

  it('leaves a broken regex for validateConditions to report with a position', () => {
    const texts = compileSimpleAssertions({ expected_status_codes: [200], body_regex: 'a(b' })
    expect(validateConditions(texts)).toEqual([
      { index: 1, message: expect.stringContaining('invalid regular expression'), position: 16 },
    ])
  })

  it('passes JSONPath it cannot express through for validateConditions to report', () => {
    const texts = compileSimpleAssertions({ json_path: '$..price', json_path_expected: '1' })
    expect(texts).toEqual(['[BODY]..price == "1"'])
    expect(validateConditions(texts)).toEqual([{ index: 0, message: "expected a name after '.'", position: 6 }])
  })

  it('compiles nothing from nothing', () => {
    expect(compileSimpleAssertions({})).toEqual([])
    expect(compileSimpleAssertions({ expected_status_codes: [], keyword: '', body_regex: '' })).toEqual([])
  })
})
