import {
  type CheckStatus,
  type ConditionContext,
  type ConditionOutcome,
  evaluateCondition,
  KINDS,
  type ParsedCondition,
  type ProbeKind,
  parseCondition,
  type ValueExpr,
} from '@whatisup/shared'
import type { ProbeMonitor } from './types.js'

/**
 * A condition a checker adds for one of its simple settings (`expected_status_codes`, `keyword`…),
 * with the failure message users know that setting by.
 *
 * @example
 * { text: '[DNS_RCODE] == NOERROR', message: (o) => `rcode ${o.actual}, expected NOERROR` }
 */
export interface ConditionSpec {
  text: string
  message?: (outcome: ConditionOutcome) => string
}

interface Compiled {
  text: string
  parsed: ParsedCondition | null
  parseError?: string
  message?: (outcome: ConditionOutcome) => string
}

/** A monitor's conditions, parsed once. Build with {@link conditionCompiler}. */
export interface CompiledConditions {
  readonly items: readonly Compiled[]
  /** Placeholders (upper case) some condition reads: a checker collects a body only when asked. */
  readonly uses: ReadonlySet<string>
}

/** Shown in `ConditionOutcome` and enforced by the result schema. */
const MAX_TEXT = 500
const MAX_OUTCOMES = 50

/**
 * Caches `build(monitor)` by monitor object identity: checks of an unchanged assignment reuse it,
 * and a new assignment (new objects) is compiled afresh while the old entries are collected.
 *
 * @example
 * const validatorOf = perMonitor((m: ProbeMonitor<'http'>) => compileSchema(m.json_schema))
 */
export function perMonitor<M extends object, T>(build: (monitor: M) => T): (monitor: M) => T {
  const cache = new WeakMap<M, T>()
  return (monitor) => {
    let hit = cache.get(monitor)
    if (hit === undefined && !cache.has(monitor)) {
      hit = build(monitor)
      cache.set(monitor, hit)
    }
    return hit as T
  }
}

/**
 * The extension point every checker uses for conditions: the kind's simple settings (as
 * {@link ConditionSpec}s, first) followed by the monitor's hand-written `conditions`, parsed once
 * per monitor with the kind's extra placeholders allowed.
 *
 * @example
 * const conditionsOf = conditionCompiler('dns', (m) => [{ text: `[DNS_RCODE] == ${m.expected_rcode}` }])
 * const compiled = conditionsOf(ctx.monitor)
 */
export function conditionCompiler<K extends ProbeKind>(
  kind: K,
  simple: (monitor: ProbeMonitor<K>) => readonly ConditionSpec[] = () => [],
): (monitor: ProbeMonitor<K>) => CompiledConditions {
  const placeholders = KINDS[kind].placeholders
  return perMonitor((monitor: ProbeMonitor<K>) => {
    const specs: ConditionSpec[] = [...simple(monitor), ...monitor.conditions.map((text) => ({ text }))]
    const uses = new Set<string>()
    const items = specs.map((spec): Compiled => {
      const parsed = parseCondition(spec.text, { placeholders })
      const item: Compiled = { text: spec.text, parsed: parsed.ok ? parsed : null }
      if (spec.message) item.message = spec.message
      if (parsed.ok) {
        collect(parsed.left, uses)
        if ('kind' in parsed.right && isValue(parsed.right)) collect(parsed.right, uses)
      } else item.parseError = `${parsed.message} at ${parsed.position}`
      return item
    })
    return { items, uses }
  })
}

function isValue(e: ParsedCondition['right']): e is ValueExpr {
  return e.kind === 'placeholder' || e.kind === 'len' || e.kind === 'has' || e.kind === 'literal'
}

function collect(e: ValueExpr, into: Set<string>): void {
  if (e.kind === 'placeholder') into.add(e.name.toUpperCase())
  else if (e.kind === 'len' || e.kind === 'has') into.add(e.target.name.toUpperCase())
}

/** What the conditions say about one check. */
export interface ConditionsVerdict {
  status: CheckStatus
  outcomes: ConditionOutcome[]
  /** Why, when status is not `up`: the first failing condition of the worst severity. */
  message?: string
}

/**
 * Evaluates compiled conditions (and `extra` outcomes judged by the checker itself, such as a
 * JSON Schema) against what the check observed. A condition that did not parse fails, loudly:
 * it was validated at save time, so this is a probe/server version mismatch.
 */
export function judgeConditions(
  compiled: CompiledConditions,
  facts: ConditionContext,
  extra: readonly ConditionOutcome[] = [],
): ConditionsVerdict {
  const items = compiled.items
  const outcomes: ConditionOutcome[] = []
  for (const item of items) {
    const outcome = item.parsed
      ? evaluateCondition(item.parsed, facts)
      : {
          condition: item.text,
          success: false,
          actual: 'null',
          severity: 'down' as const,
          error: `does not parse: ${item.parseError}`,
        }
    if (outcome.condition.length > MAX_TEXT) outcome.condition = `${outcome.condition.slice(0, MAX_TEXT - 1)}…`
    outcomes.push(outcome as ConditionOutcome)
  }
  for (const o of extra) outcomes.push(o)
  let worst: number | undefined
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i]!
    if (o.success) continue
    if (o.severity === 'down') {
      worst = i
      break
    }
    worst ??= i
  }
  const verdict: ConditionsVerdict = {
    status: 'up',
    outcomes: outcomes.length > MAX_OUTCOMES ? outcomes.slice(0, MAX_OUTCOMES) : outcomes,
  }
  if (worst === undefined) return verdict
  const failed = outcomes[worst]!
  // A condition that did not parse is explained by its parse error, not by its field's message.
  const item = worst < items.length && items[worst]!.parsed ? items[worst] : undefined
  verdict.status = failed.severity
  verdict.message = item?.message?.(failed) ?? describeFailure(failed)
  return verdict
}

/** `[BODY].status == "UP" failed: actual "DOWN"`, plus the evaluator's reason when it has one. */
export function describeFailure(o: ConditionOutcome): string {
  const text = o.condition.replace(/\s*~(?:down|degraded)\s*$/, '')
  return `${text} failed: actual ${o.actual}${o.error ? ` (${o.error})` : ''}`
}

/**
 * A judged outcome for a check the language cannot express (or cannot express safely at any
 * length), shown in the same list as the conditions.
 */
export function outcome(condition: string, success: boolean, actual: string, error?: string): ConditionOutcome {
  const o: ConditionOutcome = {
    condition: condition.length > MAX_TEXT ? `${condition.slice(0, MAX_TEXT - 1)}…` : condition,
    success,
    actual: flat(actual),
    severity: 'down',
  }
  if (error !== undefined) o.error = error.slice(0, 500)
  return o
}

function flat(s: string): string {
  const one = s.slice(0, 800).replace(/\s+/g, ' ')
  return one.length > 200 ? `${one.slice(0, 199)}…` : one
}
