/**
 * "What changed": the difference between the newest result and the one before it that explains a
 * notification — a new TLS certificate, new DNS answers, another HTTP status code. Pure; fed with
 * the monitor's latest stored results (details are stored when they change, see the ingestion
 * detail policy, so the previous detail of the same probe is the previous state of the facts).
 */

/** One change, `before` → `after`, as plain strings for every channel. */
export interface Change {
  what: 'tls_fingerprint' | 'tls_issuer' | 'tls_expiry' | 'dns_answers' | 'status_code'
  before: string
  after: string
}

/** A stored result as far as changes are concerned (newest first when given as a list). */
export interface ChangeSource {
  probe_id: string
  checked_at: number
  http_status: number | null
  detail: string | null
}

interface Facts {
  tls?: { fingerprint256?: string; issuer?: string; valid_to?: number }
  details?: { answers?: unknown; answer_fingerprint?: unknown }
}

function factsOf(detail: string | null): Facts | null {
  if (!detail) return null
  try {
    return JSON.parse(detail) as Facts
  } catch {
    return null
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const answers = (f: Facts) => (Array.isArray(f.details?.answers) ? (f.details.answers as unknown[]).map(String) : [])

/**
 * The changes between the newest result of the newest probe and that probe's previous ones:
 * status code against the previous result, TLS and DNS facts against the previous stored detail.
 *
 * @example
 * whatChanged(rows) // [{ what: 'status_code', before: '200', after: '503' }]
 */
export function whatChanged(newestFirst: readonly ChangeSource[]): Change[] {
  const newest = newestFirst[0]
  if (!newest) return []
  const mine = newestFirst.filter((r) => r.probe_id === newest.probe_id)
  const out: Change[] = []
  const prev = mine[1]
  if (prev && newest.http_status !== null && prev.http_status !== null && prev.http_status !== newest.http_status)
    out.push({ what: 'status_code', before: String(prev.http_status), after: String(newest.http_status) })

  const withFacts = mine.map((r) => factsOf(r.detail)).filter((f): f is Facts => f !== null)
  const [cur, before] = withFacts
  if (!cur || !before) return out
  const a = before.tls
  const b = cur.tls
  if (a && b) {
    if (a.fingerprint256 && b.fingerprint256 && a.fingerprint256 !== b.fingerprint256)
      out.push({ what: 'tls_fingerprint', before: a.fingerprint256, after: b.fingerprint256 })
    if (a.issuer && b.issuer && a.issuer !== b.issuer)
      out.push({ what: 'tls_issuer', before: a.issuer, after: b.issuer })
    if (typeof a.valid_to === 'number' && typeof b.valid_to === 'number' && day(a.valid_to) !== day(b.valid_to))
      out.push({ what: 'tls_expiry', before: day(a.valid_to), after: day(b.valid_to) })
  }
  const fa = before.details?.answer_fingerprint
  const fb = cur.details?.answer_fingerprint
  if (typeof fa === 'string' && typeof fb === 'string' && fa !== fb)
    out.push({ what: 'dns_answers', before: answers(before).join(', ') || '—', after: answers(cur).join(', ') || '—' })
  return out
}
