import { isIP } from 'node:net'
import { type DetailedPeerCertificate, connect as tlsConnect } from 'node:tls'
import type { TlsPayloadDto } from '@whatisup/shared'
import { allowedAddresses, type Collector, capRaw, DiagnosticError, roundMs } from './collector.js'

/**
 * The TLS handshake with the target's first allowed address: protocol, cipher, the chain as
 * presented (leaf first) and why it does or does not verify. Verification is reported, not
 * enforced: nothing is sent over the connection, it is closed right after the handshake.
 */
export function tlsCollector(): Collector<'tls'> {
  return async ({ target, policy, signal }) => {
    const port = target.port ?? (target.url ? defaultPort(target.url) : undefined)
    if (!port) throw new DiagnosticError('not_applicable: no port to connect to')
    const [address = ''] = await allowedAddresses(target.host, policy)
    const servername = isIP(target.host) ? '' : target.host
    const payload = await handshake(address, port, servername, signal)
    return { payload, raw: capRaw(render(payload)), error: null }
  }
}

function handshake(address: string, port: number, servername: string, signal: AbortSignal): Promise<TlsPayloadDto> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const socket = tlsConnect({
      host: address,
      port,
      ...(servername ? { servername } : {}),
      rejectUnauthorized: false,
    })
    const abort = () => socket.destroy(new DiagnosticError('timeout'))
    signal.addEventListener('abort', abort, { once: true })
    socket.once('error', (e) => {
      signal.removeEventListener('abort', abort)
      reject(e)
    })
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', abort)
      const cipher = socket.getCipher()
      const error = socket.authorizationError
      resolve({
        address,
        servername,
        protocol: socket.getProtocol(),
        cipher: cipher?.name ?? null,
        authorized: socket.authorized,
        verify_error: error ? String(error).slice(0, 300) : null,
        chain: chainOf(socket.getPeerCertificate(true)),
        handshake_ms: roundMs(performance.now() - started),
      })
      socket.destroy()
    })
  })
}

/** Leaf first, following issuers until a self-signed certificate or a repeat. */
function chainOf(leaf: DetailedPeerCertificate): TlsPayloadDto['chain'] {
  const chain: TlsPayloadDto['chain'] = []
  const seen = new Set<string>()
  let cert: DetailedPeerCertificate | undefined = leaf
  while (cert?.raw && !seen.has(cert.fingerprint256) && chain.length < 10) {
    seen.add(cert.fingerprint256)
    chain.push({
      subject: dn(cert.subject),
      issuer: dn(cert.issuer),
      valid_from: new Date(cert.valid_from).toISOString(),
      valid_to: new Date(cert.valid_to).toISOString(),
    })
    cert = cert.issuerCertificate
  }
  return chain
}

/** `{CN: 'a', O: 'b'}` → `CN=a, O=b`. */
function dn(name: object | undefined): string {
  if (!name) return ''
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ')
    .slice(0, 512)
}

function defaultPort(url: string): number | undefined {
  return url.startsWith('https:') || url.startsWith('wss:') ? 443 : undefined
}

function render(p: TlsPayloadDto): string {
  const head = [
    `${p.protocol ?? '?'} ${p.cipher ?? '?'} with ${p.address}${p.servername ? ` (SNI ${p.servername})` : ''}`,
    p.authorized ? 'verified' : `not verified: ${p.verify_error ?? 'unknown reason'}`,
  ]
  const chain = p.chain.map(
    (c, i) => `${i}: ${c.subject}\n   issuer ${c.issuer}\n   valid ${c.valid_from} → ${c.valid_to}`,
  )
  return [...head, ...chain].join('\n')
}
