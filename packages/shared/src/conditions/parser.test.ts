import { describe, expect, it } from 'vitest'
import { parseCondition, validateConditions } from './index.js'

const deep = `[BODY]${'.a'.repeat(21)} == 1`

// [condition, position, message fragment]
const malformed: [string, number, string][] = [
  ['', 0, 'empty condition'],
  ['   ', 0, 'empty condition'],
  ['[STATUS] = 200', 9, "unknown operator '='"],
  ['[STATUS] => 200', 9, "unknown operator '='"],
  ['[STATUS] 200', 9, 'expected an operator'],
  ['[STATUS] ==', 11, 'found the end'],
  ['[STAUS] == 200', 0, 'unknown placeholder [STAUS]'],
  ['[RESULT] == 1', 0, 'unknown placeholder [RESULT]'],
  ['[] == 1', 0, 'expected a placeholder'],
  ['[STATUS.code == 200', 0, 'expected a placeholder'],
  ['[STATUS].code == 200', 8, '[STATUS] has no fields'],
  ['200 == [STATUS]', 0, 'the left side must be a placeholder'],
  ['  "UP" == [BODY]', 2, 'the left side must be a placeholder'],
  ['[BODY].a. == 1', 8, "expected a name after '.'"],
  ['[BODY].a[x] == 1', 8, 'expected an array index'],
  ['[BODY].a["b" == 1', 12, "expected ']'"],
  ['[BODY].constructor == 1', 7, "'constructor' is not allowed"],
  ['[BODY].a["__proto__"] == 1', 8, "'__proto__' is not allowed"],
  ['[BODY].a.prototype == 1', 9, "'prototype' is not allowed"],
  [deep, 47, 'at most 20 segments'],
  ['[HEADERS].a[0] == x', 9, 'expected a header name'],
  ['[STATUS] < any(200)', 9, 'any() works only with == and !='],
  ['[BODY] >= pat(*a*)', 7, 'pat() works only with == and !='],
  ['[STATUS] == any()', 16, 'expected a value'],
  ['[STATUS] == any(200,)', 20, 'expected a value'],
  ['[STATUS] == any(200 201)', 20, "expected ',' or ')'"],
  ['[STATUS] == any(299..200)', 16, 'a range goes from low to high'],
  ['[BODY] == regex("(")', 16, 'invalid regular expression'],
  ['[BODY] == regex(a[)', 16, 'invalid regular expression'],
  ['[BODY] == regex("a", g)', 21, 'regex flags may only be'],
  ['[BODY] == contains()', 19, 'contains() needs an argument'],
  ['[BODY] == pat(*a*', 10, "missing ')'"],
  ['[BODY] == "unterminated', 10, 'unterminated string'],
  ['[STATUS] == lenn([BODY])', 12, "unknown function 'lenn'"],
  ['pat(*a*) == [BODY]', 0, 'pat() is only allowed on the right side'],
  ['len(200) == 3', 4, 'len() takes a placeholder'],
  ['len([BODY] == 3', 11, "expected ')'"],
  ['[STATUS] == has([BODY].a)', 12, 'has() is only allowed on the left side'],
  ['has([BODY].a) == 5', 17, 'compared with == true or == false'],
  ['has([BODY].a) < 1', 14, 'compared with == true or == false'],
  ['[BODY].name < abc', 14, "'<' needs a number or a duration"],
  ['[STATUS] == (200)', 12, "unexpected '('"],
  ['[STATUS] == 200]', 15, "unexpected ']'"],
  ['[STATUS] == 200 extra', 16, 'expected the end of the condition'],
  ['[STATUS] == 200 ~critical', 16, "expected '~down' or '~degraded'"],
  ['[STATUS] == 200 ~degraded ~down', 26, 'expected the end'],
  ['x'.repeat(501), 500, 'at most 500 characters'],
]

describe('parseCondition errors', () => {
  it.each(malformed)('%j → position %i', (text, position, message) => {
    const parsed = parseCondition(text)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.position).toBe(position)
    expect(parsed.message).toContain(message)
  })
})

describe('parseCondition', () => {
  it('builds a typed condition', () => {
    expect(parseCondition('[BODY].items[0]["a b"] == any(1..3, "x y", 48h, true) ~degraded')).toEqual({
      ok: true,
      text: '[BODY].items[0]["a b"] == any(1..3, "x y", 48h, true) ~degraded',
      left: { kind: 'placeholder', name: 'BODY', path: ['items', 0, 'a b'] },
      op: '==',
      right: {
        kind: 'any',
        items: [
          { kind: 'range', lo: 1, hi: 3 },
          { kind: 'literal', type: 'string', text: 'x y', num: null },
          { kind: 'literal', type: 'duration', text: '48h', num: 172_800_000 },
          { kind: 'literal', type: 'boolean', text: 'true', num: null },
        ],
      },
      severity: 'degraded',
    })
  })

  it('lower-cases header names and joins dotted ones', () => {
    const parsed = parseCondition('[HEADERS].X-Served.By == a')
    expect(parsed.ok && parsed.left).toEqual({ kind: 'placeholder', name: 'HEADERS', path: ['x-served.by'] })
  })

  it('reads bare has() as == true and keeps ~down explicit', () => {
    const parsed = parseCondition('has([BODY].a) ~down')
    expect(parsed.ok && [parsed.op, parsed.right, parsed.severity]).toEqual([
      '==',
      { kind: 'literal', type: 'boolean', text: 'true', num: null },
      'down',
    ])
  })

  it('accepts a regex unquoted (balanced parentheses) or quoted with flags', () => {
    const raw = parseCondition('[BODY] == regex(^(a|b)\\)$)')
    expect(raw.ok && raw.right).toMatchObject({ kind: 'regex', pattern: '^(a|b)\\)$', flags: '' })
    const quoted = parseCondition('[BODY] == regex("^\\d+ \\"x\\"$", im)')
    expect(quoted.ok && quoted.right).toMatchObject({ kind: 'regex', pattern: '^\\d+ "x"$', flags: 'im' })
  })

  it('keeps quoted literals as strings while bare ones become numbers, durations, booleans', () => {
    const right = (t: string) => {
      const p = parseCondition(`[BODY].a == ${t}`)
      return p.ok ? p.right : null
    }
    expect(right('"5m"')).toMatchObject({ type: 'string', num: null })
    expect(right('5m')).toMatchObject({ type: 'duration', num: 300_000 })
    expect(right('"true"')).toMatchObject({ type: 'string' })
    expect(right('-1.5')).toMatchObject({ type: 'number', num: -1.5 })
    expect(right('a=b')).toMatchObject({ type: 'string', text: 'a=b' })
  })

  it('reads a severity marker with or without a space before it', () => {
    const glued = parseCondition('[STATUS] == 200~degraded')
    expect(glued.ok && [glued.right, glued.severity]).toEqual([
      { kind: 'literal', type: 'number', text: '200', num: 200 },
      'degraded',
    ])
    expect(parseCondition('[BODY].a == x~y')).toMatchObject({ ok: false, position: 13 })
    expect(parseCondition('[BODY].a == "x~y"').ok).toBe(true)
  })

  it('allows placeholders declared by the caller', () => {
    expect(parseCondition('[RESULT].rows == 1', { placeholders: ['result'] }).ok).toBe(true)
  })
})

describe('validateConditions', () => {
  it('reports each broken condition with its index and position', () => {
    const texts = ['[STATUS] == 200', '[BODY].ok == true', '[RESPONSE_TIME] < 300', '[BODY].items == lenn(1)']
    expect(validateConditions(texts)).toEqual([{ index: 3, message: "unknown function 'lenn'", position: 16 }])
    expect(validateConditions(texts.slice(0, 3))).toEqual([])
  })
})
