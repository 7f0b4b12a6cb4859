import { CONDITION_LIMITS, type ConditionOperator, type PathSegment } from './types.js'

/**
 * A lexical unit with the 0-based position of its first character.
 *
 * @example
 * { type: 'op', pos: 9, op: '==' }
 */
export type Token =
  | { type: 'placeholder'; pos: number; name: string; path: PathSegment[]; pathPos: number }
  | { type: 'op'; pos: number; op: ConditionOperator }
  /** A name immediately followed by `(`; the `(` is consumed. */
  | { type: 'func'; pos: number; name: string }
  | { type: 'word'; pos: number; text: string }
  | { type: 'string'; pos: number; text: string }
  /** The unquoted argument of pat()/contains()/regex(), taken verbatim up to the balancing `)`. */
  | { type: 'raw'; pos: number; text: string }
  | { type: ','; pos: number }
  | { type: ')'; pos: number }
  | { type: 'severity'; pos: number; text: string }
  | { type: 'eof'; pos: number }

/**
 * Thrown inside the tokenizer and parser only; `parseCondition` turns it into a value.
 *
 * @example
 * throw new ConditionSyntaxError('unterminated string', 10)
 */
export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message)
  }
}

/** Functions whose single argument may be written unquoted (globs and regexes are full of brackets). */
const RAW_ARG_FUNCS = new Set(['pat', 'contains', 'regex'])
/** Path segments that could reach an object's prototype if a resolver were ever careless. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype'])
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r'
const isWordEnd = (c: string | undefined, next: string | undefined) =>
  c === undefined || isSpace(c) || '()[],"<>~'.includes(c) || ((c === '=' || c === '!') && next === '=')
const isKeyEnd = (c: string | undefined) => c === undefined || isSpace(c) || '.[](),"<>=!~'.includes(c)

/**
 * Splits a condition into tokens. Throws {@link ConditionSyntaxError}.
 *
 * @example
 * tokenize('[BODY].a[0] == 1').map((t) => t.type) // ['placeholder', 'op', 'word', 'eof']
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (true) {
    while (isSpace(text[i])) i++
    const c = text[i]
    if (c === undefined) break
    const start = i
    const two = text.slice(i, i + 2)
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ type: 'op', pos: start, op: two })
      i += 2
    } else if (c === '<' || c === '>') {
      tokens.push({ type: 'op', pos: start, op: c })
      i++
    } else if (c === '=') {
      throw new ConditionSyntaxError("unknown operator '='; use '=='", start)
    } else if (c === ',' || c === ')') {
      tokens.push({ type: c, pos: start })
      i++
    } else if (c === '(') {
      throw new ConditionSyntaxError("unexpected '('", start)
    } else if (c === ']') {
      throw new ConditionSyntaxError("unexpected ']'", start)
    } else if (c === '"') {
      const s = readString(text, i)
      tokens.push({ type: 'string', pos: start, text: s.value })
      i = s.end
    } else if (c === '[') {
      i = readPlaceholder(text, i, tokens)
    } else if (c === '~') {
      i++
      while (!isWordEnd(text[i], text[i + 1])) i++
      tokens.push({ type: 'severity', pos: start, text: text.slice(start + 1, i) })
    } else {
      while (!isWordEnd(text[i], text[i + 1])) i++
      const word = text.slice(start, i)
      if (text[i] !== '(') {
        tokens.push({ type: 'word', pos: start, text: word })
        continue
      }
      tokens.push({ type: 'func', pos: start, name: word })
      i++
      if (RAW_ARG_FUNCS.has(word)) i = readRawArg(text, i, start, tokens)
    }
  }
  tokens.push({ type: 'eof', pos: text.length })
  return tokens
}

/** `"…"` with `\"` and `\\` as escapes; any other backslash is kept, so `"\d+"` is the regex `\d+`. */
function readString(text: string, open: number): { value: string; end: number } {
  let value = ''
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]
    if (c === '"') return { value, end: i + 1 }
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1]
      i++
    } else {
      value += c
    }
  }
  throw new ConditionSyntaxError('unterminated string', open)
}

function readPlaceholder(text: string, open: number, tokens: Token[]): number {
  const close = text.indexOf(']', open)
  const name = close < 0 ? '' : text.slice(open + 1, close)
  if (!NAME.test(name)) throw new ConditionSyntaxError('expected a placeholder like [STATUS]', open)
  const path: PathSegment[] = []
  let i = close + 1
  const pathPos = i
  while (text[i] === '.' || text[i] === '[') {
    const segPos = i
    let segment: PathSegment
    if (text[i] === '.') {
      i++
      while (!isKeyEnd(text[i])) i++
      segment = text.slice(segPos + 1, i)
      if (segment === '') throw new ConditionSyntaxError("expected a name after '.'", segPos)
    } else if (text[i + 1] === '"') {
      const s = readString(text, i + 1)
      if (text[s.end] !== ']') throw new ConditionSyntaxError("expected ']'", s.end)
      segment = s.value
      i = s.end + 1
    } else {
      const m = /^\[(\d{1,9})\]/.exec(text.slice(i))
      if (!m) throw new ConditionSyntaxError('expected an array index like [0] or a quoted key like ["a b"]', segPos)
      segment = Number(m[1])
      i += m[0].length
    }
    // Point at the key itself, not at the '.' before it.
    const keyPos = text[segPos] === '.' ? segPos + 1 : segPos
    if (typeof segment === 'string' && FORBIDDEN_SEGMENTS.has(segment)) {
      throw new ConditionSyntaxError(`'${segment}' is not allowed in a path`, keyPos)
    }
    if (path.length >= CONDITION_LIMITS.maxPathDepth) {
      throw new ConditionSyntaxError(`paths are at most ${CONDITION_LIMITS.maxPathDepth} segments deep`, keyPos)
    }
    path.push(segment)
  }
  tokens.push({ type: 'placeholder', pos: open, name: name.toUpperCase(), path, pathPos })
  return i
}

/** Unquoted argument: everything up to the `)` that balances, `\x` skipping a character. */
function readRawArg(text: string, from: number, funcPos: number, tokens: Token[]): number {
  let i = from
  while (isSpace(text[i])) i++
  if (text[i] === '"') return i
  const start = i
  let depth = 0
  for (; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') i++
    else if (c === '(') depth++
    else if (c === ')' && depth-- === 0) break
  }
  if (i >= text.length) throw new ConditionSyntaxError("missing ')'", funcPos)
  const raw = text.slice(start, i)
  const trimmed = raw.trimEnd()
  if (trimmed !== '') tokens.push({ type: 'raw', pos: start, text: trimmed })
  return i
}
