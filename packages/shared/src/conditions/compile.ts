import { parseStatusRange } from '../status-codes.js'

/**
 * Operators of the simple form's JSON-path assertion; `contains` is a substring test.
 *
 * @example
 * JSON_PATH_OPERATORS.includes('contains') // true
 */
export const JSON_PATH_OPERATORS = ['==', '!=', '<', '<=', '>', '>=', 'contains'] as const
export type JsonPathOperator = (typeof JSON_PATH_OPERATORS)[number]

/**
 * The simple monitor form's assertion fields. All optional; each present field becomes one or
 * more conditions, so the form and hand-written conditions share one evaluator.
 *
 * @example
 * { expected_status_codes: ['200-299'], keyword: 'healthy', max_response_time_ms: 800 }
 */
export interface SimpleAssertions {
  /** Numbers or inclusive ranges like `"200-299"` (as validated by the monitor schema). */
  expected_status_codes?: readonly (number | string)[] | undefined
  keyword?: string | undefined
  /** The keyword must NOT appear. */
  keyword_negate?: boolean | undefined
  /** A JavaScript regular expression source, without delimiters. */
  body_regex?: string | undefined
  /** Header name → exact value, or `/regex/` (optionally `/regex/i`). */
  expected_headers?: Readonly<Record<string, string>> | undefined
  /** `$.data.status`, `data.status` or `$.items[0].id`. */
  json_path?: string | undefined
  /** Defaults to `==`. */
  json_path_operator?: JsonPathOperator | undefined
  /** Compared as a number when both sides are numeric, else as a string. Absent: the path must exist. */
  json_path_expected?: string | undefined
  /** A soft threshold: exceeding it makes the check `degraded`, not `down`. */
  max_response_time_ms?: number | undefined
}

const SAFE_HEADER = /^[a-z0-9-]+$/
const SAFE_KEY = /^[A-Za-z0-9_-]+$/
/** One JSONPath step: `.key`, `[0]`, `["key"]` or `['key']` (no escapes inside the quotes). */
const JSON_PATH_SEGMENT = /\.([^.[\]]+)|\[(\d+)\]|\[("[^"]*"|'[^']*')\]/g
const REGEX_LITERAL = /^\/(.+)\/([imsu]*)$/s

/**
 * Compiles the simple form into condition texts, in field order: status, keyword, body regex,
 * headers, JSON path, response time. Throws `RangeError` on a status spec the monitor schema
 * would have rejected (callers pass validated input); every other problem (a bad regex, a bad
 * path) shows up when the result goes through `validateConditions`.
 *
 * @example
 * compileSimpleAssertions({ expected_status_codes: [200, '300-399'], keyword: 'ok', max_response_time_ms: 800 })
 * // → ['[STATUS] == any(200, 300..399)', '[BODY] == contains("ok")', '[RESPONSE_TIME] <= 800 ~degraded']
 */
export function compileSimpleAssertions(fields: SimpleAssertions): string[] {
  const out: string[] = []
  const codes = fields.expected_status_codes ?? []
  if (codes.length === 1 && typeof codes[0] === 'number') out.push(`[STATUS] == ${codes[0]}`)
  else if (codes.length > 0) out.push(`[STATUS] == any(${codes.map(statusItem).join(', ')})`)

  if (fields.keyword !== undefined && fields.keyword !== '') {
    out.push(`[BODY] ${fields.keyword_negate ? '!=' : '=='} contains(${quote(fields.keyword)})`)
  }
  if (fields.body_regex !== undefined && fields.body_regex !== '') {
    out.push(`[BODY] == regex(${quote(fields.body_regex)})`)
  }
  for (const [name, expected] of Object.entries(fields.expected_headers ?? {})) {
    out.push(`${headerRef(name)} == ${headerExpectation(expected)}`)
  }
  if (fields.json_path !== undefined && fields.json_path !== '') {
    out.push(jsonPathCondition(fields.json_path, fields.json_path_operator ?? '==', fields.json_path_expected))
  }
  if (fields.max_response_time_ms !== undefined) {
    out.push(`[RESPONSE_TIME] <= ${fields.max_response_time_ms} ~degraded`)
  }
  return out
}

function statusItem(spec: number | string): string {
  if (typeof spec === 'number') return String(spec)
  const range = parseStatusRange(spec)
  if (!range) throw new RangeError(`invalid status code spec "${spec}"`)
  return range[0] === range[1] ? String(range[0]) : `${range[0]}..${range[1]}`
}

/** A quoted string argument: only `"` and `\` need escaping in the condition language. */
function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

function headerRef(name: string): string {
  const lower = name.toLowerCase()
  return SAFE_HEADER.test(lower) ? `[HEADERS].${lower}` : `[HEADERS][${quote(lower)}]`
}

function headerExpectation(expected: string): string {
  const re = REGEX_LITERAL.exec(expected)
  if (!re) return quote(expected)
  const flags = re[2] ?? ''
  return `regex(${quote(re[1] ?? '')}${flags ? `, ${flags}` : ''})`
}

function jsonPathCondition(path: string, op: JsonPathOperator, expected: string | undefined): string {
  const ref = `[BODY]${bodyPath(path)}`
  if (expected === undefined) return `has(${ref})`
  if (op === 'contains') return `${ref} == contains(${quote(expected)})`
  return `${ref} ${op} ${quote(expected)}`
}

/**
 * `$.a.b[0]` / `a.b[0]` / `$[0].a` / `$['odd key']` → `.a.b[0]`; keys the language cannot spell
 * bare are quoted. Input that is not a path at all is passed through for validation to report.
 */
function bodyPath(path: string): string {
  let p = path.trim()
  if (p.startsWith('$')) p = p.slice(1)
  if (p !== '' && !p.startsWith('.') && !p.startsWith('[')) p = `.${p}`
  let out = ''
  for (const m of p.matchAll(JSON_PATH_SEGMENT)) {
    const [, key, index, quoted] = m
    if (index !== undefined) out += `[${index}]`
    else {
      const k = key ?? (quoted ?? '').slice(1, -1)
      out += SAFE_KEY.test(k) ? `.${k}` : `[${quote(k)}]`
    }
  }
  return out.length > 0 && p.replace(JSON_PATH_SEGMENT, '') === '' ? out : p
}
