import {
  type CheckKind,
  compileSimpleAssertions,
  type ErrorIssue,
  KINDS,
  type MonitorConfig,
  type SimpleAssertions,
  validateConditions,
} from '@whatisup/shared'
import type { z } from 'zod'
import { AppError } from '../../core/errors.js'
import { scheduleError } from '../heartbeats/index.js'

/**
 * Server-side kinds nothing evaluates yet: accepting them would store monitors that stay "unknown"
 * forever. The engineer who adds a kind's engine removes it from this set. (Heartbeat, composite
 * and manual are evaluated by modules/heartbeats, composite and manual.)
 */
const NOT_YET_AVAILABLE: ReadonlySet<CheckKind> = new Set<CheckKind>([])

/**
 * Rules the shared schema cannot know: kinds this server cannot run yet, and the http form's
 * simple fields, which compile into conditions, so a bad regex or JSON path is refused at save time
 * on the field that holds it rather than failing on every check.
 */
export function kindRuleIssues(c: MonitorConfig): ErrorIssue[] {
  if (NOT_YET_AVAILABLE.has(c.check_type)) {
    return [
      {
        path: 'body.check_type',
        message: `${c.check_type} monitors are not available yet: the server does not evaluate them so far`,
      },
    ]
  }
  if (c.check_type === 'heartbeat') {
    const e = scheduleError(c)
    return e ? [{ path: `body.${e.field}`, message: e.message }] : []
  }
  if (c.check_type !== 'http') return []
  const fields: [string, SimpleAssertions][] = []
  if (c.keyword !== null) fields.push(['keyword', { keyword: c.keyword, keyword_negate: c.keyword_negate }])
  if (c.body_regex !== null) fields.push(['body_regex', { body_regex: c.body_regex }])
  for (const [name, value] of Object.entries(c.expected_headers)) {
    fields.push([`expected_headers.${name}`, { expected_headers: { [name]: value } }])
  }
  if (c.json_path !== null) {
    fields.push([
      'json_path',
      {
        json_path: c.json_path,
        json_path_operator: c.json_path_operator,
        json_path_expected: c.json_path_expected ?? undefined,
      },
    ])
  }
  const issues: ErrorIssue[] = []
  for (const [field, simple] of fields) {
    const [error] = validateConditions(compileSimpleAssertions(simple), { placeholders: KINDS.http.placeholders })
    if (error) issues.push({ path: `body.${field}`, message: error.message })
  }
  return issues
}

/** Where a stored secret may be sent: a kept password must never follow the monitor to a new host. */
export function secretScope(c: MonitorConfig): string {
  const target = KINDS[c.check_type].target(c as unknown as Record<string, unknown>)
  try {
    const u = new URL(target)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : target
  } catch {
    return target
  }
}

/** Zod issues of a merged PATCH as API issues; unknown keys are named one by one, like route validation does. */
export function bodyIssues(issues: readonly z.core.$ZodIssue[]): ErrorIssue[] {
  return issues.flatMap((i) => {
    const path = ['body', ...i.path.map(String)]
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ path: [...path, k].join('.'), message: `unknown field: ${k}` }))
    }
    return [{ path: path.join('.'), message: i.message }]
  })
}

/** The one shape of a 400 this module raises: the first issue in the message, all in details. */
export function validationError(issues: ErrorIssue[]): AppError {
  const first = issues[0]
  return new AppError('VALIDATION_FAILED', first ? `${first.path}: ${first.message}` : 'invalid monitor', { issues })
}
