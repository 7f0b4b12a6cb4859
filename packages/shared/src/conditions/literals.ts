import type { Literal, RangeItem } from './types.js'

const NUMERIC = /^-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g
const RANGE = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A number for comparison, or null. Numeric strings count (`"42"` → 42); booleans do not.
 *
 * @example
 * toNumber('1.5') === 1.5 && toNumber('UP') === null
 */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v)
  return null
}

/**
 * Classifies a bare word or quoted string. Only bare words become booleans or durations, so
 * `"5m"` stays a string; a quoted numeric string still compares as a number.
 *
 * @example
 * literalOf('48h', false) // { kind: 'literal', type: 'duration', text: '48h', num: 172800000 }
 */
export function literalOf(text: string, quoted: boolean): Literal {
  if (!quoted && (text === 'true' || text === 'false')) return { kind: 'literal', type: 'boolean', text, num: null }
  const num = toNumber(text)
  if (num !== null) return { kind: 'literal', type: quoted ? 'string' : 'number', text, num }
  if (!quoted && DURATION.test(text)) {
    let ms = 0
    for (const m of text.matchAll(DURATION_PART)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0)
    return { kind: 'literal', type: 'duration', text, num: ms }
  }
  return { kind: 'literal', type: 'string', text, num: null }
}

/**
 * `lo..hi` inside `any(…)`: a range, `'reversed'` when lo > hi, or null when the word is no range.
 *
 * @example
 * rangeOf('200..299') // { kind: 'range', lo: 200, hi: 299 }
 */
export function rangeOf(word: string): RangeItem | 'reversed' | null {
  const m = RANGE.exec(word)
  if (!m) return null
  const lo = Number(m[1])
  const hi = Number(m[2])
  return lo > hi ? 'reversed' : { kind: 'range', lo, hi }
}

/**
 * Splits a glob on unescaped `*`; `\x` stands for a literal `x`.
 *
 * @example
 * splitGlob('*a\\*b*') // ['', 'a*b', '']
 */
export function splitGlob(glob: string): string[] {
  const parts: string[] = ['']
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    const literal = c === '\\' && i + 1 < glob.length ? glob[++i] : c
    if (c === '*') parts.push('')
    else parts[parts.length - 1] += literal ?? ''
  }
  return parts
}

/**
 * Unquoted arguments use `\x` for a literal `x` (so `contains(a\))` looks for `a)`).
 *
 * @example
 * unescapeRaw('a\\)') === 'a)'
 */
export function unescapeRaw(raw: string): string {
  return raw.replace(/\\(.)/gs, '$1')
}
