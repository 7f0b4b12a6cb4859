import { type ConnectOptions, openConnection } from './connect.js'
import { PhaseError, type Trace } from './trace.js'

/** Where WHOIS servers per TLD are found when no `whoisServer` is configured. */
export const IANA_WHOIS = 'whois.iana.org'
const MAX_WHOIS_BYTES = 256 * 1024

/** `host`, `host:port` or `[v6]:port` → where to connect; WHOIS is port 43. */
export function parseServer(text: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text)
  if (v6) return { host: v6[1]!, port: Number(v6[2] ?? 43) }
  const [host = '', port] = text.split(':')
  return { host, port: port === undefined ? 43 : Number(port) }
}

/** One WHOIS query (RFC 3912): the query line out, everything until the server closes back. */
export async function whoisQuery(
  server: string,
  query: string,
  connect: ConnectOptions,
  trace: Trace,
): Promise<string> {
  const { host, port } = parseServer(server)
  const socket = await openConnection({ host, port, secure: false }, connect, trace)
  trace.phase = 'response'
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let bytes = 0
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= MAX_WHOIS_BYTES) chunks.push(chunk)
      else socket.destroy()
    })
    socket.once('close', () => {
      if (bytes === 0) reject(new PhaseError('response', `WHOIS server ${host} closed without an answer`))
      else resolve(Buffer.concat(chunks).toString('utf8'))
    })
    socket.write(`${query}\r\n`)
  })
}

/** The `refer:` (or `whois:`) line of an IANA answer: the TLD's own WHOIS server. */
export function referralOf(text: string): string | undefined {
  return /^(?:refer|whois):\s*(\S+)/im.exec(text)?.[1]
}

// The registry's expiry first; registrar lines only when the registry gives none.
const EXPIRY_LINES = [
  /^\s*Registry Expiry Date:\s*(.+)$/im,
  /^\s*(?:Registrar Registration )?Expiration Date:\s*(.+)$/im,
  /^\s*(?:Expiry|Expire|Expires|Expiration) (?:Date|On|Time)?:?\s*(.+)$/im,
  /^\s*paid-till:\s*(.+)$/im,
  /^\s*expires:\s*(.+)$/im,
  /^\s*renewal date:\s*(.+)$/im,
]

/**
 * The expiry date of the common WHOIS formats: `Registry Expiry Date: 2026-08-13T04:00:00Z` (gTLDs),
 * `Expiry date: 13-Aug-2026` (.uk), `paid-till: 2026-08-13T21:00:00Z` (.ru), `Expiration Time:
 * 2026-08-13 12:00:00` (.cn). Dates without a zone are taken as UTC.
 *
 * @example
 * parseWhoisExpiry('Registry Expiry Date: 2026-08-13T04:00:00Z') === Date.UTC(2026, 7, 13, 4)
 */
export function parseWhoisExpiry(text: string): number | undefined {
  for (const pattern of EXPIRY_LINES) {
    const value = pattern.exec(text)?.[1]
    const t = value === undefined ? undefined : parseWhoisDate(value.trim())
    if (t !== undefined) return t
  }
  return undefined
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

export function parseWhoisDate(value: string): number | undefined {
  const iso =
    /^(\d{4})[-./](\d{2})[-./](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?/i.exec(
      value,
    )
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = iso
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
    return utc - zoneOffsetMs(zone)
  }
  const named = /^(\d{1,2})[- ]([A-Za-z]{3})[A-Za-z]*[- ](\d{4})/.exec(value)
  if (named) {
    const month = MONTHS.indexOf(named[2]!.toLowerCase())
    if (month >= 0) return Date.UTC(Number(named[3]), month, Number(named[1]))
  }
  const european = /^(\d{2})\.(\d{2})\.(\d{4})/.exec(value)
  if (european) return Date.UTC(Number(european[3]), Number(european[2]) - 1, Number(european[1]))
  return undefined
}

function zoneOffsetMs(zone: string | undefined): number {
  const m = zone ? /^([+-])(\d{2}):?(\d{2})$/.exec(zone) : null
  if (!m) return 0
  const minutes = Number(m[2]) * 60 + Number(m[3])
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000
}
