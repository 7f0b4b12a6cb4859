import { type ConditionOutcome, compileSimpleAssertions } from '@whatisup/shared'
import type { ConditionSpec } from './conditions.js'
import type { ProbeMonitor } from './types.js'

const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v)

/**
 * The HTTP form's simple fields as conditions, each with the message its field is known by. Compiled
 * one field at a time so each text keeps its message; `compileSimpleAssertions` stays the only
 * translation of a field into the language.
 */
export function httpConditionSpecs(m: ProbeMonitor<'http'>): ConditionSpec[] {
  const specs: ConditionSpec[] = []
  const add = (texts: string[], message?: (o: ConditionOutcome) => string) => {
    for (const text of texts) specs.push(message ? { text, message } : { text })
  }
  const codes = m.expected_status_codes.join(', ')
  add(compileSimpleAssertions({ expected_status_codes: m.expected_status_codes }), (o) =>
    o.actual === 'null' ? `no HTTP status, expected ${codes}` : `HTTP ${o.actual}, expected ${codes}`,
  )
  if (m.keyword !== null) {
    const keyword = m.keyword.length > 80 ? `${m.keyword.slice(0, 79)}…` : m.keyword
    add(compileSimpleAssertions({ keyword: m.keyword, keyword_negate: m.keyword_negate }), () =>
      m.keyword_negate
        ? `forbidden keyword "${keyword}" found in the body`
        : `keyword "${keyword}" not found in the body`,
    )
  }
  add(
    compileSimpleAssertions({ body_regex: orUndefined(m.body_regex) }),
    () => `the body does not match ${m.body_regex}`,
  )
  for (const [name, expected] of Object.entries(m.expected_headers)) {
    add(
      compileSimpleAssertions({ expected_headers: { [name]: expected } }),
      (o) => `header ${name} is ${o.actual === 'null' ? 'missing' : `"${o.actual}"`}, expected ${expected}`,
    )
  }
  add(
    compileSimpleAssertions({
      json_path: orUndefined(m.json_path),
      json_path_operator: m.json_path_operator,
      json_path_expected: orUndefined(m.json_path_expected),
    }),
  )
  add(
    compileSimpleAssertions({ max_response_time_ms: orUndefined(m.max_response_time_ms) }),
    (o) => `response time ${o.actual} above ${m.max_response_time_ms}ms`,
  )
  return specs
}

/** Node's header object → the evaluator's `name → value` (repeated headers joined as HTTP does). */
export function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
