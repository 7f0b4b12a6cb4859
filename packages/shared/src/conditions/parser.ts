import { literalOf, rangeOf, splitGlob, unescapeRaw } from './literals.js'
import { ConditionSyntaxError, type Token, tokenize } from './tokenizer.js'
import {
  BUILTIN_PLACEHOLDERS,
  CONDITION_LIMITS,
  CONDITION_SEVERITIES,
  type ConditionParseError,
  type ConditionSeverity,
  type ConditionValidationError,
  type Literal,
  type Matcher,
  type ParsedCondition,
  type ParseOptions,
  type PlaceholderRef,
  type RangeItem,
  type ValueExpr,
} from './types.js'

/** Placeholders that are scalars: a path after them is a mistake worth reporting at save time. */
const SCALARS = new Set([
  'STATUS',
  'RESPONSE_TIME',
  'IP',
  'CONNECTED',
  'CERTIFICATE_EXPIRATION',
  'DOMAIN_EXPIRATION',
  'DNS_RCODE',
])
const MATCHERS = new Set(['any', 'pat', 'contains', 'regex'])

/**
 * Parses one condition. Never throws: a malformed condition is a {@link ConditionParseError}.
 *
 * Grammar (whitespace between tokens is free):
 * ```
 * condition := operand OP right [severity] | has(placeholder) [severity]
 * operand   := placeholder | len(placeholder) | has(placeholder)
 * right     := operand | literal | any(item, …) | pat(glob) | contains(text) | regex(re[, flags])
 * item      := literal | number..number
 * literal   := number | duration (90s, 30m, 48h, 7d, 1h30m) | true | false | word | "quoted"
 * severity  := ~down | ~degraded
 * ```
 *
 * @example
 * parseCondition('[BODY].data.items[0].status == UP')
 * parseCondition('[CERTIFICATE_EXPIRATION] > 7d ~degraded')
 * parseCondition('[STATUS] = 200') // → { ok: false, message: "unknown operator '='; use '=='", position: 9 }
 */
export function parseCondition(text: string, options: ParseOptions = {}): ParsedCondition | ConditionParseError {
  if (text.length > CONDITION_LIMITS.maxLength) {
    return fail(`conditions are at most ${CONDITION_LIMITS.maxLength} characters`, CONDITION_LIMITS.maxLength)
  }
  try {
    return new Parser(text, tokenize(text), options).condition()
  } catch (e) {
    if (e instanceof ConditionSyntaxError) return fail(e.message, e.position)
    throw e
  }
}

/**
 * Save-time validation of a condition list: one entry per condition that does not parse.
 *
 * @example
 * validateConditions(['[STATUS] == 200', '[STATUS] => 200'])
 * // → [{ index: 1, message: "unknown operator '='; use '=='", position: 9 }]
 */
export function validateConditions(texts: readonly string[], options: ParseOptions = {}): ConditionValidationError[] {
  const errors: ConditionValidationError[] = []
  texts.forEach((text, index) => {
    const parsed = parseCondition(text, options)
    if (!parsed.ok) errors.push({ index, message: parsed.message, position: parsed.position })
  })
  return errors
}

function fail(message: string, position: number): ConditionParseError {
  return { ok: false, message, position }
}

class Parser {
  private i = 0
  private readonly known: Set<string>

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    options: ParseOptions,
  ) {
    this.known = new Set([...BUILTIN_PLACEHOLDERS, ...(options.placeholders ?? []).map((p) => p.toUpperCase())])
  }

  condition(): ParsedCondition {
    const first = this.peek()
    if (first.type === 'eof') throw new ConditionSyntaxError('empty condition', 0)
    const left = this.operand()
    if (left.kind === 'literal') {
      throw new ConditionSyntaxError('the left side must be a placeholder like [STATUS], len(…) or has(…)', first.pos)
    }
    const next = this.peek()
    if (left.kind === 'has' && (next.type === 'eof' || next.type === 'severity')) {
      const yes: Literal = { kind: 'literal', type: 'boolean', text: 'true', num: null }
      return this.finish({ left, op: '==', right: yes })
    }
    if (next.type !== 'op') throw this.unexpected(next, 'expected an operator (==, !=, <, <=, >, >=)')
    this.i++
    const rightTok = this.peek()
    const right = this.right()
    const ordering = next.op !== '==' && next.op !== '!='
    if (MATCHERS.has(right.kind) && ordering) {
      throw new ConditionSyntaxError(`${right.kind}() works only with == and !=`, next.pos)
    }
    if (left.kind === 'has' && (ordering || right.kind !== 'literal' || right.type !== 'boolean')) {
      const pos = ordering ? next.pos : rightTok.pos
      throw new ConditionSyntaxError('has(…) can only be compared with == true or == false', pos)
    }
    if (ordering && right.kind === 'literal' && right.num === null) {
      throw new ConditionSyntaxError(`'${next.op}' needs a number or a duration on the right`, rightTok.pos)
    }
    return this.finish({ left, op: next.op, right })
  }

  private finish(c: Omit<ParsedCondition, 'ok' | 'text' | 'severity'>): ParsedCondition {
    let severity: ConditionSeverity = 'down'
    const tok = this.peek()
    if (tok.type === 'severity') {
      if (!(CONDITION_SEVERITIES as readonly string[]).includes(tok.text)) {
        throw new ConditionSyntaxError("expected '~down' or '~degraded'", tok.pos)
      }
      severity = tok.text as ConditionSeverity
      this.i++
    }
    const end = this.peek()
    if (end.type !== 'eof') throw this.unexpected(end, 'expected the end of the condition')
    return { ok: true, text: this.text, ...c, severity }
  }

  private operand(): ValueExpr {
    const tok = this.take()
    switch (tok.type) {
      case 'placeholder':
        return this.placeholder(tok)
      case 'word':
        return literalOf(tok.text, false)
      case 'string':
        return literalOf(tok.text, true)
      case 'func': {
        if (tok.name !== 'len' && tok.name !== 'has') {
          const where = MATCHERS.has(tok.name) ? `${tok.name}() is only allowed on the right side` : undefined
          throw new ConditionSyntaxError(where ?? `unknown function '${tok.name}'`, tok.pos)
        }
        const arg = this.take()
        if (arg.type !== 'placeholder')
          throw this.unexpected(arg, `${tok.name}() takes a placeholder like [BODY].items`)
        const target = this.placeholder(arg)
        this.expect(')')
        return { kind: tok.name, target }
      }
      case 'op':
      case ',':
      case ')':
      case 'raw':
      case 'severity':
      case 'eof':
        throw this.unexpected(tok, 'expected a placeholder like [STATUS], len(…) or has(…)')
    }
  }

  private right(): ValueExpr | Matcher {
    const tok = this.peek()
    if (tok.type !== 'func' || !MATCHERS.has(tok.name)) {
      const value = this.operand()
      if (value.kind === 'has') throw new ConditionSyntaxError('has() is only allowed on the left side', tok.pos)
      return value
    }
    this.i++
    if (tok.name === 'any') return this.anyMatcher()
    const arg = this.take()
    if (arg.type !== 'string' && arg.type !== 'raw') throw this.unexpected(arg, `${tok.name}() needs an argument`)
    if (arg.text.length > CONDITION_LIMITS.maxPatternLength) {
      throw new ConditionSyntaxError(`patterns are at most ${CONDITION_LIMITS.maxPatternLength} characters`, arg.pos)
    }
    if (tok.name === 'regex') return this.regexMatcher(arg.text, arg.pos)
    this.expect(')')
    if (tok.name === 'pat') return { kind: 'pat', glob: arg.text, parts: splitGlob(arg.text) }
    return { kind: 'contains', text: arg.type === 'raw' ? unescapeRaw(arg.text) : arg.text }
  }

  private anyMatcher(): Matcher {
    const items: (Literal | RangeItem)[] = []
    while (true) {
      const tok = this.take()
      if (tok.type !== 'word' && tok.type !== 'string') throw this.unexpected(tok, 'expected a value')
      if (items.length === CONDITION_LIMITS.maxAnyItems) {
        throw new ConditionSyntaxError(`any() takes at most ${CONDITION_LIMITS.maxAnyItems} values`, tok.pos)
      }
      const range = tok.type === 'word' ? rangeOf(tok.text) : null
      if (range === 'reversed') throw new ConditionSyntaxError('a range goes from low to high', tok.pos)
      items.push(range ?? literalOf(tok.text, tok.type === 'string'))
      const sep = this.take()
      if (sep.type === ')') return { kind: 'any', items }
      if (sep.type !== ',') throw this.unexpected(sep, "expected ',' or ')'")
    }
  }

  private regexMatcher(pattern: string, pos: number): Matcher {
    let flags = ''
    if (this.peek().type === ',') {
      this.i++
      const f = this.take()
      if ((f.type !== 'word' && f.type !== 'string') || !/^[imsu]*$/.test(f.text)) {
        throw new ConditionSyntaxError('regex flags may only be i, m, s and u', f.pos)
      }
      flags = f.text
    }
    this.expect(')')
    try {
      return { kind: 'regex', pattern, flags, re: new RegExp(pattern, flags) }
    } catch (e) {
      throw new ConditionSyntaxError(`invalid regular expression: ${(e as Error).message}`, pos)
    }
  }

  private placeholder(tok: Extract<Token, { type: 'placeholder' }>): PlaceholderRef {
    if (!this.known.has(tok.name)) throw new ConditionSyntaxError(`unknown placeholder [${tok.name}]`, tok.pos)
    if (tok.path.length > 0 && SCALARS.has(tok.name)) {
      throw new ConditionSyntaxError(`[${tok.name}] has no fields`, tok.pathPos)
    }
    if (tok.name !== 'HEADERS' || tok.path.length === 0) return { kind: 'placeholder', name: tok.name, path: tok.path }
    // Header names may contain '.', and never nest: the whole path is one case-insensitive name.
    if (tok.path.some((s) => typeof s === 'number')) {
      throw new ConditionSyntaxError('expected a header name like [HEADERS].content-type', tok.pathPos)
    }
    return { kind: 'placeholder', name: 'HEADERS', path: [tok.path.join('.').toLowerCase()] }
  }

  private peek(): Token {
    return this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!
  }

  private take(): Token {
    const tok = this.peek()
    if (tok.type !== 'eof') this.i++
    return tok
  }

  private expect(type: ')'): void {
    const tok = this.take()
    if (tok.type !== type) throw this.unexpected(tok, `expected '${type}'`)
  }

  private unexpected(tok: Token, expected: string): ConditionSyntaxError {
    const found = tok.type === 'eof' ? 'the end' : `'${this.text.slice(tok.pos, tok.pos + 20).split(/\s/)[0]}'`
    return new ConditionSyntaxError(`${expected}, found ${found}`, tok.pos)
  }
}
