import { createHash } from 'node:crypto'
import type { CaaRecord } from 'node:dns'
import type { Resolver } from 'node:dns/promises'
import type { DNS_RCODES, DNS_RECORD_TYPES } from '@whatisup/shared'

export type RecordType = (typeof DNS_RECORD_TYPES)[number]
export type Rcode = (typeof DNS_RCODES)[number]

/** One answer as text, the way `dig +short` prints it (and `expected_values` are written). */
export interface Answer {
  value: string
  ttl?: number
}

/**
 * Queries one record type with its specific method (never `resolveAny`, which most public
 * resolvers refuse), and renders every answer as text: `10 mail.example.com` for MX,
 * `0 issue "letsencrypt.org"` for CAA, the joined strings for TXT.
 */
export async function queryRecords(resolver: Resolver, type: RecordType, name: string): Promise<Answer[]> {
  switch (type) {
    case 'A':
      return (await resolver.resolve4(name, { ttl: true })).map((a) => ({ value: a.address, ttl: a.ttl }))
    case 'AAAA':
      return (await resolver.resolve6(name, { ttl: true })).map((a) => ({ value: a.address, ttl: a.ttl }))
    case 'CNAME':
      return plain(await resolver.resolveCname(name))
    case 'NS':
      return plain(await resolver.resolveNs(name))
    case 'MX':
      return plain((await resolver.resolveMx(name)).map((r) => `${r.priority} ${r.exchange}`))
    case 'TXT':
      return plain((await resolver.resolveTxt(name)).map((chunks) => chunks.join('')))
    case 'SRV':
      return plain((await resolver.resolveSrv(name)).map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`))
    case 'SOA': {
      const s = await resolver.resolveSoa(name)
      return plain([`${s.nsname} ${s.hostmaster} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minttl}`])
    }
    case 'CAA':
      return plain((await resolver.resolveCaa(name)).map(caaText))
  }
}

const plain = (values: string[]): Answer[] => values.map((value) => ({ value }))

function caaText(record: CaaRecord): string {
  const fields = record as unknown as Record<string, unknown>
  const tag = Object.keys(fields).find((k) => k !== 'critical') ?? 'issue'
  return `${record.critical} ${tag} "${String(fields[tag] ?? '')}"`
}

/**
 * c-ares error codes that are DNS answers, as their response code. NODATA is a NOERROR answer with
 * nothing of the asked type; codes not listed here (a timeout, a refused socket) mean no answer.
 */
export const RCODE_OF_ERROR: Readonly<Record<string, Rcode>> = {
  ENODATA: 'NOERROR',
  ENOTFOUND: 'NXDOMAIN',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  EFORMERR: 'FORMERR',
  ENOTIMP: 'NOTIMP',
}

/** Case, order and a trailing dot do not make two answers different. */
export const normalized = (value: string): string => value.trim().toLowerCase().replace(/\.$/, '')

/**
 * A stable fingerprint of the answer set: sorted, normalized, hashed. Equal for the same records
 * in any order, so the server can compare it with a learned baseline (`drift_alert`).
 *
 * @example
 * answerFingerprint(['b.example.', 'A.example']) === answerFingerprint(['a.example', 'b.example'])
 */
export function answerFingerprint(values: readonly string[]): string {
  const sorted = [...new Set(values.map(normalized))].sort()
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex')
}

/** `1.2.3.4`, `1.2.3.4:5353`, `[::1]:5353` or `::1` → the address and port c-ares wants. */
export function parseResolver(text: string): { address: string; port: number } | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(text)
  if (v6) return { address: v6[1]!, port: Number(v6[2] ?? 53) }
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(text)
  if (v4) return { address: v4[1]!, port: Number(v4[2] ?? 53) }
  return /^[0-9a-fA-F:]+$/.test(text) ? { address: text, port: 53 } : undefined
}
