import { isIP, type Socket } from 'node:net'
import {
  createSecureContext,
  rootCertificates,
  type SecureContext,
  type TLSSocket,
  connect as tlsConnect,
} from 'node:tls'
import type { TlsInfo } from '@whatisup/shared'
import type { ConnectOptions, Target } from './connect.js'
import { type CertFacts, days, readTls } from './tls-info.js'
import { addTiming, errorMessage, guard, now, PhaseError, type Trace } from './trace.js'

/**
 * Runs a TLS handshake over an open socket (a fresh connection, or SMTP after STARTTLS) and settles
 * the certificate BEFORE the caller writes a byte: a pinned certificate must match, and unless
 * `ignoreTlsErrors` the chain must verify for `target.host`. Facts land in `trace.tls`/`trace.cert`
 * either way, so a failure still reports what was presented.
 *
 * With `options.sessions`, a session kept from an earlier full handshake to the same target is
 * offered: the handshake is still made and timed, but resumed, and the certificate facts (which a
 * resumed session does not present) are those that full handshake read and verified.
 */
export function upgradeTls(raw: Socket, target: Target, options: ConnectOptions, trace: Trace): Promise<TLSSocket> {
  trace.phase = 'tls'
  const started = now()
  const sessions = options.sessions
  const key = sessions?.keyOf(target.host, target.port, options.alpn, options.secureContext)
  const offered = key === undefined ? undefined : sessions?.offer(key, trace.clock.now())
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      socket: raw,
      // `host` is what the certificate is checked against; SNI must not carry an IP literal.
      host: target.host,
      ...(isIP(target.host) ? {} : { servername: target.host }),
      // Verified below instead, so the certificate can still be read and reported on failure.
      rejectUnauthorized: false,
      ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
      secureContext: options.secureContext,
      ...(offered ? { session: offered.session } : {}),
    })
    guard(socket)
    trace.scope.onAbort(() => socket.destroy())
    // TLS 1.2 hands the session over during the handshake, TLS 1.3 (tickets) just after it.
    let ticket: Buffer | undefined
    let keep: ((session: Buffer) => void) | undefined
    if (key !== undefined && !offered) {
      socket.once('session', (session: Buffer) => {
        if (keep) keep(session)
        else ticket = session
      })
    }
    socket.once('secureConnect', () => {
      addTiming(trace, 'tls_ms', now() - started)
      const at = trace.clock.now()
      const resumed = offered !== undefined && socket.isSessionReused()
      let facts: { info: TlsInfo; cert: CertFacts } | undefined
      if (resumed) {
        facts = { info: { ...offered.info, days_remaining: days(offered.info.valid_to, at) }, cert: offered.cert }
        trace.certReadAt = offered.readAt
      } else {
        // Declined (expired ticket, restarted server): offered no more until a full handshake keeps a new one.
        if (offered && key !== undefined) sessions?.forget(key)
        facts = readTls(socket, target.host, at)
      }
      if (facts) {
        trace.tls = facts.info
        trace.cert = facts.cert
      }
      const verdict = resumed
        ? { authorized: offered.info.authorized, error: offered.info.authorization_error ?? '' }
        : { authorized: socket.authorized, error: String(socket.authorizationError) }
      const problem = certificateProblem(verdict, target.host, options, facts)
      if (!problem) {
        if (sessions && key !== undefined && facts && !resumed) {
          const kept = facts
          keep = (session) => sessions.store(key, session, kept.info, kept.cert, at)
          if (ticket) keep(ticket)
          else if (offered) socket.once('session', keep)
        }
        return resolve(socket)
      }
      if (resumed && key !== undefined) sessions?.forget(key)
      socket.destroy()
      reject(new PhaseError('tls', problem))
    })
    socket.once('error', (e) => reject(new PhaseError('tls', `TLS handshake failed: ${errorMessage(e)}`)))
  })
}

function certificateProblem(
  verdict: { authorized: boolean; error: string },
  host: string,
  options: ConnectOptions,
  facts: { info: TlsInfo; cert: CertFacts } | undefined,
): string | undefined {
  const pin = options.pinSha256
  if (pin) {
    const presented = facts?.cert.sha256 || 'unknown'
    if (presented !== pin) return `certificate pin mismatch: the leaf's SHA-256 is ${presented}, expected ${pin}`
  }
  if (verdict.authorized || options.ignoreTlsErrors) return undefined
  return verificationMessage(verdict.error, host, facts)
}

/**
 * The failure message for an unverified certificate: self-signed, host mismatch and expiry are
 * told apart in words, with OpenSSL's code kept for searching.
 */
export function verificationMessage(
  code: string,
  host: string,
  facts: { info: TlsInfo; cert: CertFacts } | undefined,
): string {
  const cert = facts?.cert
  const otherHost = cert?.hostnameMismatch ? `; it is not valid for ${host} either` : ''
  if (cert?.selfSigned || code.includes('SELF_SIGNED')) return `self-signed certificate (${code})${otherHost}`
  if (cert?.hostnameMismatch || code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = cert?.altNames ?? facts?.info.subject ?? 'another host'
    return `hostname mismatch: the certificate is for ${names}, not ${host} (${code})`
  }
  if (code === 'CERT_HAS_EXPIRED' && facts) {
    const when = new Date(Math.min(facts.info.valid_to, cert?.shortestValidTo ?? Infinity)).toISOString()
    return `certificate expired on ${when.slice(0, 10)} (${code})`
  }
  return `certificate verification failed: ${code}`
}

const contexts = new Map<string, SecureContext>()

/**
 * The verifying context for a set of extra CAs, shared by every checker of the process: building
 * one parses the whole trust store, so it is done once, never per connection.
 */
export function trustContext(extraCa: readonly string[] = []): SecureContext {
  const key = extraCa.join('\n')
  let context = contexts.get(key)
  if (!context) {
    // `ca` replaces the trust store, so the bundled roots are kept alongside the extra ones.
    context = createSecureContext(extraCa.length ? { ca: [...rootCertificates, ...extraCa] } : {})
    contexts.set(key, context)
  }
  return context
}
