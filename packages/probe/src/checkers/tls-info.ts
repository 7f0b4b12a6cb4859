import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls'
import type { TlsInfo } from '@whatisup/shared'

const DAY_MS = 86_400_000

/** Certificate facts {@link TlsInfo} has no field for; reported in `details.tls_chain`. */
export interface CertFacts {
  /** Earliest notAfter (epoch ms) across the chain as presented and completed, the leaf included. */
  shortestValidTo: number
  shortestSubject?: string
  chainLength: number
  selfSigned: boolean
  /** The certificate does not cover the name (or IP) that was dialled. */
  hostnameMismatch: boolean
  /** The leaf's subjectAltName, for a mismatch message. */
  altNames?: string
  /** SHA-256 of the leaf's DER, lower-case hex: what `ssl_pin_sha256` is compared with. */
  sha256: string
}

/**
 * Certificate facts of the peer. Read even when verification failed: "expired 3 days ago" or
 * "issued for another host" is exactly what the user needs to see on a TLS failure.
 */
export function readTls(
  socket: TLSSocket,
  host: string,
  nowEpochMs: number,
): { info: TlsInfo; cert: CertFacts } | undefined {
  const leaf = socket.getPeerCertificate(true)
  if (!leaf || typeof leaf.valid_to !== 'string') return undefined
  const validTo = Date.parse(leaf.valid_to)
  if (!Number.isFinite(validTo)) return undefined
  const info: TlsInfo = { valid_to: validTo, days_remaining: days(validTo, nowEpochMs), authorized: socket.authorized }
  const subject = commonName(leaf.subject)
  if (subject) info.subject = subject.slice(0, 512)
  const issuer = commonName(leaf.issuer)
  if (issuer) info.issuer = issuer.slice(0, 512)
  if (!socket.authorized && socket.authorizationError) {
    info.authorization_error = String(socket.authorizationError).slice(0, 200)
  }
  const protocol = socket.getProtocol()
  if (protocol) info.protocol = protocol
  const cipher = socket.getCipher()?.name
  if (cipher) info.cipher = cipher.slice(0, 128)
  if (leaf.fingerprint256) info.fingerprint256 = leaf.fingerprint256
  return { info, cert: chainFacts(leaf, socket.authorized, host, validTo) }
}

function chainFacts(leaf: DetailedPeerCertificate, authorized: boolean, host: string, leafValidTo: number): CertFacts {
  let shortest = leafValidTo
  let shortestSubject = commonName(leaf.subject)
  let length = 0
  const seen = new Set<DetailedPeerCertificate>()
  // A self-signed certificate is its own issuer: Node closes the chain into a loop there.
  for (let c: DetailedPeerCertificate | undefined = leaf; c && !seen.has(c) && length < 10; c = c.issuerCertificate) {
    seen.add(c)
    length++
    const t = Date.parse(c.valid_to)
    if (t < shortest) {
      shortest = t
      shortestSubject = commonName(c.subject)
    }
  }
  const facts: CertFacts = {
    shortestValidTo: shortest,
    chainLength: length,
    selfSigned: leaf.issuerCertificate === leaf || leaf.fingerprint256 === leaf.issuerCertificate?.fingerprint256,
    // An authorized peer passed the identity check; only a failed one is worth checking again.
    hostnameMismatch: !authorized && checkServerIdentity(host, leaf) !== undefined,
    sha256: (leaf.fingerprint256 ?? '').replaceAll(':', '').toLowerCase(),
  }
  if (shortestSubject) facts.shortestSubject = shortestSubject.slice(0, 256)
  if (leaf.subjectaltname) facts.altNames = leaf.subjectaltname.slice(0, 300)
  return facts
}

/** Two decimals: the UI floors to whole days, alerting can still tell 0.2 days from 0.9. */
export const days = (validTo: number, nowEpochMs: number): number =>
  Math.trunc(((validTo - nowEpochMs) / DAY_MS) * 100) / 100

/**
 * `details.tls_chain`, the same shape for every kind that speaks TLS. `readAt`: the handshake was
 * a resumed session, whose certificate facts were read by the full handshake at that epoch ms.
 */
export function chainDetails(cert: CertFacts, nowEpochMs: number, readAt?: number): Record<string, unknown> {
  const d: Record<string, unknown> = {
    length: cert.chainLength,
    shortest_valid_to: cert.shortestValidTo,
    shortest_days_remaining: days(cert.shortestValidTo, nowEpochMs),
    self_signed: cert.selfSigned,
    hostname_mismatch: cert.hostnameMismatch,
  }
  if (cert.shortestSubject) d.shortest_subject = cert.shortestSubject
  if (readAt !== undefined) {
    d.session_resumed = true
    d.certificate_read_at = readAt
  }
  return d
}

/** Node gives a string, or an array when the name has the attribute twice. */
function commonName(name: unknown): string | undefined {
  if (!name || typeof name !== 'object') return undefined
  const fields = name as Record<string, string | string[] | undefined>
  const value = fields.CN ?? fields.O
  return Array.isArray(value) ? value.join(', ') : value
}
