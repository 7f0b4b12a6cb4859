/**
 * Accepted HTTP status codes: a number (`200`) or an inclusive range string (`"200-299"`).
 *
 * @example
 * statusAccepted(204, ['200-299']) === true
 * statusAccepted(301, [200, 301]) === true
 */
export type StatusCodeSpec = number | string

const RANGE = /^([1-5]\d\d)-([1-5]\d\d)$/

/** Parses a range string into [lo, hi], or null when it is not a well-formed ascending range. */
export function parseStatusRange(spec: string): [number, number] | null {
  const m = RANGE.exec(spec)
  if (!m) return null
  const lo = Number(m[1])
  const hi = Number(m[2])
  return lo <= hi ? [lo, hi] : null
}

export function statusAccepted(status: number, specs: readonly StatusCodeSpec[]): boolean {
  for (const spec of specs) {
    if (typeof spec === 'number') {
      if (spec === status) return true
      continue
    }
    const range = parseStatusRange(spec)
    if (range && status >= range[0] && status <= range[1]) return true
  }
  return false
}
