import type { TLSSocket } from 'node:tls'
import type { TlsInfo } from '@whatisup/shared'

const DAY_MS = 86_400_000

/**
 * Certificate facts of the peer. Read even when verification failed: "expired 3 days ago" or
 * "issued for another host" is exactly what the user needs to see on a TLS failure.
 */
export function readTlsInfo(socket: TLSSocket, nowEpochMs: number): TlsInfo | undefined {
  const cert = socket.getPeerCertificate()
  if (!cert || typeof cert.valid_to !== 'string') return undefined
  const validTo = Date.parse(cert.valid_to)
  if (!Number.isFinite(validTo)) return undefined
  const info: TlsInfo = {
    valid_to: validTo,
    // Two decimals: the UI floors to whole days, alerting can still tell 0.2 days from 0.9.
    days_remaining: Math.trunc(((validTo - nowEpochMs) / DAY_MS) * 100) / 100,
    authorized: socket.authorized,
  }
  const subject = commonName(cert.subject)
  if (subject) info.subject = subject.slice(0, 512)
  const issuer = commonName(cert.issuer)
  if (issuer) info.issuer = issuer.slice(0, 512)
  if (!socket.authorized && socket.authorizationError) {
    info.authorization_error = String(socket.authorizationError).slice(0, 200)
  }
  const protocol = socket.getProtocol()
  if (protocol) info.protocol = protocol
  const cipher = socket.getCipher()?.name
  if (cipher) info.cipher = cipher.slice(0, 128)
  if (cert.fingerprint256) info.fingerprint256 = cert.fingerprint256
  return info
}

/** Node gives a string, or an array when the name has the attribute twice. */
function commonName(name: unknown): string | undefined {
  if (!name || typeof name !== 'object') return undefined
  const fields = name as Record<string, string | string[] | undefined>
  const value = fields.CN ?? fields.O
  return Array.isArray(value) ? value.join(', ') : value
}
