import {
  CONDITION_LIMITS,
  type ConditionContext,
  type PathSegment,
  type PlaceholderRef,
  type ValueExpr,
} from './types.js'

/**
 * A resolved side: `missing` explains why there is no value (shown as actual "null").
 *
 * @example
 * { ok: false, missing: '[BODY].a.b not found' }
 */
export type Resolved = { ok: true; value: unknown } | { ok: false; missing: string }

type BodyJson = { body: string; ok: boolean; value: unknown }
/**
 * Parsed bodies, keyed by context object: a body is parsed at most once however many conditions
 * read it, without writing into (possibly frozen) caller objects.
 */
const bodyCache = new WeakMap<ConditionContext, BodyJson>()

function bodyJson(ctx: ConditionContext, body: string): BodyJson {
  const hit = bodyCache.get(ctx)
  if (hit && hit.body === body) return hit
  let entry: BodyJson
  try {
    entry = { body, ok: true, value: JSON.parse(body) }
  } catch {
    entry = { body, ok: false, value: undefined }
  }
  bodyCache.set(ctx, entry)
  return entry
}

function rootOf(name: string, ctx: ConditionContext): unknown {
  switch (name) {
    case 'STATUS':
      return ctx.status
    case 'RESPONSE_TIME':
      return ctx.responseTimeMs
    case 'BODY':
      return ctx.body
    case 'HEADERS':
      return ctx.headers
    case 'IP':
      return ctx.ip
    case 'CONNECTED':
      return ctx.connected
    case 'CERTIFICATE_EXPIRATION':
      return ctx.certificateExpiresInMs
    case 'DOMAIN_EXPIRATION':
      return ctx.domainExpiresInMs
    case 'DNS_RCODE':
      return ctx.dnsRcode
    default:
      return ctx.values && Object.hasOwn(ctx.values, name) ? ctx.values[name] : undefined
  }
}

/** Own properties only: a path never reaches `Object.prototype`, whatever the parser allowed. */
function walk(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const index = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1
      cur = index >= 0 && index < cur.length ? cur[index] : undefined
    } else if (typeof seg === 'string' && cur !== null && typeof cur === 'object' && Object.hasOwn(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg]
    } else {
      return undefined
    }
  }
  return cur
}

/**
 * Source form of a placeholder reference, for messages.
 *
 * @example
 * refText({ kind: 'placeholder', name: 'BODY', path: ['items', 0] }) === '[BODY].items[0]'
 */
export function refText(ref: PlaceholderRef): string {
  return `[${ref.name}]` + ref.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')
}

/**
 * The value behind a placeholder. `[BODY]` alone is the raw body; a path reads the body as JSON.
 *
 * @example
 * resolvePlaceholder({ kind: 'placeholder', name: 'STATUS', path: [] }, { status: 503 }) // { ok: true, value: 503 }
 */
export function resolvePlaceholder(ref: PlaceholderRef, ctx: ConditionContext): Resolved {
  const root = rootOf(ref.name, ctx)
  if (root === undefined) return { ok: false, missing: `no [${ref.name}] for this check` }
  if (ref.path.length === 0) return { ok: true, value: root }
  let value: unknown
  if (ref.name === 'BODY') {
    const json = bodyJson(ctx, root as string)
    if (!json.ok) return { ok: false, missing: '[BODY] is not JSON' }
    value = walk(json.value, ref.path)
  } else if (ref.name === 'HEADERS') {
    value = headerValue(root as Record<string, string>, ref.path[0] as string)
  } else {
    value = walk(root, ref.path)
  }
  return value === undefined ? { ok: false, missing: `${refText(ref)} not found` } : { ok: true, value }
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(headers, name)) return headers[name]
  // Contexts built by hand may not have lower-cased their names.
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v
  return undefined
}

/**
 * The value of any non-matcher expression. `len` counts array items, object keys and characters;
 * `has` is true when the path exists (a JSON `null` exists).
 *
 * @example
 * const items = { kind: 'placeholder', name: 'BODY', path: ['items'] } as const
 * resolveExpr({ kind: 'len', target: items }, { body: '{"items":[1,2]}' }) // { ok: true, value: 2 }
 */
export function resolveExpr(expr: ValueExpr, ctx: ConditionContext): Resolved {
  switch (expr.kind) {
    case 'literal':
      return { ok: true, value: expr.text }
    case 'placeholder':
      return resolvePlaceholder(expr, ctx)
    case 'has':
      return { ok: true, value: resolvePlaceholder(expr.target, ctx).ok }
    case 'len': {
      const r = resolvePlaceholder(expr.target, ctx)
      if (!r.ok) return r
      const v = r.value
      if (Array.isArray(v)) return { ok: true, value: v.length }
      if (v === null) return { ok: true, value: 0 }
      if (typeof v === 'object') return { ok: true, value: Object.keys(v).length }
      return { ok: true, value: String(v).length }
    }
  }
}

/**
 * The string a value compares as: strings as-is, objects as JSON.
 *
 * @example
 * toText({ a: 1 }) === '{"a":1}' && toText(null) === 'null'
 */
export function toText(v: unknown): string {
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/**
 * A one-line display of a left-side value, at most {@link CONDITION_LIMITS.maxActual} characters:
 * response times get `ms`, expirations a duration.
 *
 * @example
 * displayActual({ kind: 'placeholder', name: 'RESPONSE_TIME', path: [] }, { ok: true, value: 1200 }) === '1200ms'
 */
export function displayActual(expr: ValueExpr, r: Resolved): string {
  if (!r.ok) return 'null'
  const v = r.value
  if (expr.kind === 'placeholder' && expr.path.length === 0 && typeof v === 'number') {
    if (expr.name === 'RESPONSE_TIME') return `${Math.round(v * 100) / 100}ms`
    if (expr.name === 'CERTIFICATE_EXPIRATION' || expr.name === 'DOMAIN_EXPIRATION') return formatDuration(v)
  }
  return shorten(toText(v))
}

/**
 * Collapses whitespace (an `actual` ends up in one-line alerts) and cuts to the display limit.
 *
 * @example
 * shorten('a\n  b') === 'a b'
 */
export function shorten(s: string, max: number = CONDITION_LIMITS.maxActual): string {
  const flat = s.length > max * 4 ? s.slice(0, max * 4) : s
  const one = flat.replace(/\s+/g, ' ')
  return one.length > max ? one.slice(0, max - 1) + '…' : one
}

/**
 * Milliseconds as the two largest units: `172800000` → `2d`, `5400000` → `1h30m`, `-90000` → `-1m30s`.
 *
 * @example
 * formatDuration(90_061_000) === '1d1h'
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : ''
  let rest = Math.abs(Math.round(ms))
  if (rest < 1000) return `${sign}${rest}ms`
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ]
  const parts: string[] = []
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size)
    rest -= n * size
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`)
    if (parts.length === 2) break
  }
  return sign + parts.filter((p) => !p.startsWith('0')).join('')
}
