import type { CheckStatus } from '../check-kinds.js'

/**
 * Comparison operators of the condition language, longest first so a scanner can match greedily.
 *
 * @example
 * CONDITION_OPERATORS.includes('>=') // true
 */
export const CONDITION_OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number]

/**
 * What a failing condition does to the check: `down` (the default) or `degraded` (a soft
 * threshold, written as a trailing `~degraded` marker).
 *
 * @example
 * parseCondition('[RESPONSE_TIME] <= 800 ~degraded') // → { ok: true, severity: 'degraded', … }
 */
export const CONDITION_SEVERITIES = ['down', 'degraded'] as const
export type ConditionSeverity = (typeof CONDITION_SEVERITIES)[number]

/**
 * Placeholders every check kind may fill. Other names (`[RESULT]`, `[DNS_ANSWERS]`) are read from
 * `ConditionContext.values` and must be allowed through `ParseOptions.placeholders`.
 *
 * @example
 * BUILTIN_PLACEHOLDERS.includes('STATUS') // true
 */
export const BUILTIN_PLACEHOLDERS = [
  'STATUS',
  'RESPONSE_TIME',
  'BODY',
  'HEADERS',
  'IP',
  'CONNECTED',
  'CERTIFICATE_EXPIRATION',
  'DOMAIN_EXPIRATION',
  'DNS_RCODE',
] as const
export type BuiltinPlaceholder = (typeof BUILTIN_PLACEHOLDERS)[number]

/**
 * Hard limits. They bound parse time, evaluation time and what a user-written regex runs against.
 *
 * @example
 * text.length <= CONDITION_LIMITS.maxLength
 */
export const CONDITION_LIMITS = {
  /** Characters in one condition. */
  maxLength: 500,
  /** Segments in a placeholder path such as `[BODY].a.b[0]`. */
  maxPathDepth: 20,
  /** Characters in a `regex()` or `pat()` pattern. */
  maxPatternLength: 500,
  /** Characters of the value a regex is run against (the first 1 MiB of a body). */
  maxRegexInput: 1_048_576,
  /** Characters of `ConditionOutcome.actual`. */
  maxActual: 200,
  /** Items in one `any(…)`. */
  maxAnyItems: 50,
} as const

/** One step of a placeholder path: an object key or an array index. @example ['items', 0, 'status'] */
export type PathSegment = string | number

/**
 * `[NAME]` plus an optional path.
 *
 * @example
 * // [BODY].data.items[0]
 * { kind: 'placeholder', name: 'BODY', path: ['data', 'items', 0] }
 */
export interface PlaceholderRef {
  kind: 'placeholder'
  name: string
  path: readonly PathSegment[]
}

/**
 * A constant. `num` is set when the text is a number, a numeric string or a duration (in ms).
 *
 * @example
 * // 48h
 * { kind: 'literal', type: 'duration', text: '48h', num: 172_800_000 }
 */
export interface Literal {
  kind: 'literal'
  type: 'string' | 'number' | 'duration' | 'boolean'
  text: string
  num: number | null
}

/**
 * Something that yields a value: a placeholder, `len(…)`, `has(…)` or a literal.
 *
 * @example
 * // len([BODY].items)
 * { kind: 'len', target: { kind: 'placeholder', name: 'BODY', path: ['items'] } }
 */
export type ValueExpr =
  | PlaceholderRef
  | { kind: 'len'; target: PlaceholderRef }
  | { kind: 'has'; target: PlaceholderRef }
  | Literal

/** An inclusive numeric range inside `any(…)`, written `200..299`. @example { kind: 'range', lo: 200, hi: 299 } */
export interface RangeItem {
  kind: 'range'
  lo: number
  hi: number
}

/**
 * A right-side-only test; only `==` (matches) and `!=` (does not match) apply.
 *
 * @example
 * // pat(*ok*)
 * { kind: 'pat', glob: '*ok*', parts: ['', 'ok', ''] }
 */
export type Matcher =
  | { kind: 'any'; items: readonly (Literal | RangeItem)[] }
  | { kind: 'pat'; glob: string; parts: readonly string[] }
  | { kind: 'contains'; text: string }
  | { kind: 'regex'; pattern: string; flags: string; re: RegExp }

/**
 * A condition that parsed. Build it with `parseCondition`; the shape is internal to evaluation
 * and not meant to be stored (store `text`).
 *
 * @example
 * const c = parseCondition('[STATUS] == any(200..299)')
 * if (c.ok) c.severity // 'down'
 */
export interface ParsedCondition {
  ok: true
  text: string
  left: Exclude<ValueExpr, Literal>
  op: ConditionOperator
  right: ValueExpr | Matcher
  severity: ConditionSeverity
}

/**
 * Why a condition did not parse; `position` is the 0-based index of the offending character.
 *
 * @example
 * parseCondition('[STATUS] = 200') // → { ok: false, message: "unknown operator '='; use '=='", position: 9 }
 */
export interface ConditionParseError {
  ok: false
  message: string
  position: number
}

/**
 * Options for parsing. `placeholders` adds names beyond {@link BUILTIN_PLACEHOLDERS}; their values
 * come from `ConditionContext.values`.
 *
 * @example
 * parseCondition('[RESULT].rows == 1', { placeholders: ['RESULT'] })
 */
export interface ParseOptions {
  placeholders?: readonly string[] | undefined
}

/**
 * What one check observed. Absent fields make conditions on them fail with actual `"null"`.
 *
 * @example
 * const ctx: ConditionContext = { status: 200, responseTimeMs: 87, body: '{"ok":true}',
 *   headers: { 'content-type': 'application/json' } }
 */
export interface ConditionContext {
  status?: number | undefined
  responseTimeMs?: number | undefined
  /** Raw body; parsed as JSON at most once per context object, on first use of a `[BODY]` path. */
  body?: string | undefined
  /** Lower-case header names. */
  headers?: Record<string, string> | undefined
  ip?: string | undefined
  connected?: boolean | undefined
  certificateExpiresInMs?: number | undefined
  domainExpiresInMs?: number | undefined
  dnsRcode?: string | undefined
  /** Placeholders of other check kinds, by name without brackets: `{ RESULT: {...} }`. */
  values?: Record<string, unknown> | undefined
}

/**
 * The result of one condition. `actual` is a short display form of the left side (≤ 200 chars).
 *
 * @example
 * { condition: '[STATUS] == 200', success: false, actual: '503', severity: 'down' }
 */
export interface ConditionOutcome {
  condition: string
  success: boolean
  actual: string
  severity: ConditionSeverity
  error?: string
}

/**
 * The result of a list: `status` is `down` if a `down` condition failed, else `degraded` if a
 * `degraded` one failed, else `up`.
 *
 * @example
 * { success: false, status: 'degraded', results: [ … ] }
 */
export interface ConditionsOutcome {
  success: boolean
  status: CheckStatus
  results: ConditionOutcome[]
}

/**
 * A save-time problem in `texts[index]`.
 *
 * @example
 * { index: 3, message: "unknown function 'lenn'", position: 12 }
 */
export interface ConditionValidationError {
  index: number
  message: string
  position: number
}
