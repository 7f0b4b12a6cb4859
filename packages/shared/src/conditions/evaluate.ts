import type { CheckStatus } from '../check-kinds.js'
import { toNumber } from './literals.js'
import {
  CONDITION_LIMITS,
  type ConditionContext,
  type ConditionOperator,
  type ConditionOutcome,
  type ConditionsOutcome,
  type Literal,
  type Matcher,
  type ParsedCondition,
  type RangeItem,
  type ValueExpr,
} from './types.js'
import { displayActual, type Resolved, resolveExpr, shorten, toText } from './values.js'

/** A side ready to compare: its number (if it is one) and its text. */
interface Side {
  num: number | null
  text: string
}

type Verdict = { success: boolean; error?: string }

/**
 * Evaluates one parsed condition. Never throws: a condition that cannot be evaluated fails with
 * an `error`. A missing value (absent placeholder, JSON path on a non-JSON body, missing key)
 * fails with actual `"null"`, whatever the operator; only `has()` turns it into `false`.
 *
 * @example
 * const c = parseCondition('[STATUS] == any(200..299)')
 * if (c.ok) evaluateCondition(c, { status: 503 })
 * // → { condition: '[STATUS] == any(200..299)', success: false, actual: '503', severity: 'down' }
 */
export function evaluateCondition(parsed: ParsedCondition, context: ConditionContext): ConditionOutcome {
  const outcome = (v: Verdict, actual: string): ConditionOutcome => {
    const o: ConditionOutcome = { condition: parsed.text, success: v.success, actual, severity: parsed.severity }
    if (v.error !== undefined) o.error = v.error
    return o
  }
  let left: Resolved = { ok: false, missing: 'not evaluated' }
  try {
    left = resolveExpr(parsed.left, context)
    const actual = displayActual(parsed.left, left)
    if (!left.ok) return outcome({ success: false, error: left.missing }, actual)
    return outcome(judge(parsed.op, left.value, parsed.right, context), actual)
  } catch (e) {
    // Defensive only: resolution and matching are total, but an outcome must never be an exception.
    return outcome({ success: false, error: String(e) }, displayActual(parsed.left, left))
  }
}

/**
 * Evaluates a list. `success` is true when every condition passed; `status` is `down` when a
 * `down` condition failed, else `degraded` when a `~degraded` one failed, else `up`.
 *
 * @example
 * const list = ['[STATUS] == 200', '[RESPONSE_TIME] <= 500 ~degraded'].map((t) => parseCondition(t))
 * evaluateConditions(list.filter((c) => c.ok), { status: 200, responseTimeMs: 900 })
 * // → { success: false, status: 'degraded', results: [ …, { success: false, actual: '900ms', … } ] }
 */
export function evaluateConditions(list: readonly ParsedCondition[], ctx: ConditionContext): ConditionsOutcome {
  const results = list.map((c) => evaluateCondition(c, ctx))
  let status: CheckStatus = 'up'
  for (const r of results) {
    if (r.success) continue
    if (r.severity === 'down') {
      status = 'down'
      break
    }
    status = 'degraded'
  }
  return { success: results.every((r) => r.success), status, results }
}

function judge(op: ConditionOperator, leftValue: unknown, right: ValueExpr | Matcher, ctx: ConditionContext): Verdict {
  const left: Side = { num: toNumber(leftValue), text: toText(leftValue) }
  switch (right.kind) {
    case 'any':
    case 'pat':
    case 'contains':
    case 'regex': {
      const matched = matches(right, left)
      return { success: op === '==' ? matched : !matched }
    }
    case 'literal':
      return compare(op, left, literalSide(right))
    case 'placeholder':
    case 'len':
    case 'has': {
      const r = resolveExpr(right, ctx)
      if (!r.ok) return { success: false, error: `right side: ${r.missing}` }
      return compare(op, left, { num: toNumber(r.value), text: toText(r.value) })
    }
  }
}

function literalSide(lit: Literal): Side {
  return { num: lit.num, text: lit.text }
}

/** Numbers compare as numbers when both sides are numeric, otherwise as exact strings. */
function compare(op: ConditionOperator, l: Side, r: Side): Verdict {
  if (op === '==' || op === '!=') {
    const equal = l.num !== null && r.num !== null ? l.num === r.num : l.text === r.text
    return { success: op === '==' ? equal : !equal }
  }
  if (l.num === null || r.num === null) {
    const shown = l.num === null ? l.text : r.text
    return { success: false, error: `'${op}' needs numbers on both sides, got "${shorten(shown, 40)}"` }
  }
  switch (op) {
    case '<':
      return { success: l.num < r.num }
    case '<=':
      return { success: l.num <= r.num }
    case '>':
      return { success: l.num > r.num }
    case '>=':
      return { success: l.num >= r.num }
  }
}

function matches(m: Matcher, left: Side): boolean {
  switch (m.kind) {
    case 'any':
      return m.items.some((item) => itemMatches(item, left))
    case 'pat':
      return globMatch(m.parts, left.text)
    case 'contains':
      return left.text.includes(m.text)
    case 'regex':
      // User patterns can backtrack badly; bounding the input bounds the damage.
      return m.re.test(left.text.slice(0, CONDITION_LIMITS.maxRegexInput))
  }
}

function itemMatches(item: Literal | RangeItem, left: Side): boolean {
  if (item.kind === 'range') return left.num !== null && left.num >= item.lo && left.num <= item.hi
  return compare('==', left, literalSide(item)).success
}

/**
 * Glob match with `*` only, anchored at both ends. Splitting on `*` and taking the leftmost match
 * of each middle part is exact for this glob subset and linear-ish: no backtracking to exploit.
 */
function globMatch(parts: readonly string[], input: string): boolean {
  const first = parts[0] ?? ''
  if (parts.length === 1) return input === first
  const last = parts[parts.length - 1] ?? ''
  if (input.length < first.length + last.length || !input.startsWith(first) || !input.endsWith(last)) return false
  const end = input.length - last.length
  let pos = first.length
  for (let k = 1; k < parts.length - 1; k++) {
    const part = parts[k] ?? ''
    const at = input.indexOf(part, pos)
    if (at < 0 || at + part.length > end) return false
    pos = at + part.length
  }
  return true
}
