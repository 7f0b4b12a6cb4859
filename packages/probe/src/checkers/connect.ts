import { lookup } from 'node:dns/promises'
import { isIP, type Socket, connect as tcpConnect } from 'node:net'
import { type SecureContext, type TLSSocket, connect as tlsConnect } from 'node:tls'
import { blockedReason } from './ssrf.js'
import { readTlsInfo } from './tls-info.js'
import { abortable, addTiming, type CheckScope, errorMessage, now, PhaseError, type Trace } from './trace.js'
import type { NetworkPolicy } from './types.js'

export interface Target {
  /** Hostname or IP literal, without IPv6 brackets. */
  host: string
  port: number
  secure: boolean
}

export interface ConnectOptions {
  policy: NetworkPolicy
  /** Built once per checker: a context per connection would re-parse the trust store every check. */
  secureContext: SecureContext
}

/**
 * Resolves, applies the network policy to the resolved addresses, then dials those literal
 * addresses: what was validated is what gets connected to, so DNS rebinding has no window. For
 * HTTPS the handshake completes and the certificate is verified BEFORE the socket is handed to the
 * HTTP layer, so no request byte (custom headers may carry credentials) reaches an unverified peer.
 */
export async function openConnection(target: Target, options: ConnectOptions, trace: Trace): Promise<Socket> {
  const addresses = await resolve(target.host, trace)
  if (!options.policy.allowPrivate) {
    // Any blocked address fails the check: a name mixing public and private answers is suspect.
    for (const address of addresses) {
      const reason = blockedReason(address)
      if (reason)
        throw new PhaseError('ssrf', `${describe(target.host, address)} is a ${reason} address: ${NOT_ALLOWED}`)
    }
  }
  trace.phase = 'connect'
  const started = now()
  let socket: Socket | undefined
  let lastError: unknown
  // In resolver order; a second address is only tried when the first refuses or fails fast.
  for (const address of addresses) {
    try {
      socket = await dial(address, target.port, trace.scope)
      break
    } catch (e) {
      lastError = e
      if (trace.scope.aborted) break
    }
  }
  if (!socket) throw new PhaseError('connect', errorMessage(lastError))
  addTiming(trace, 'connect_ms', now() - started)
  const remote = socket.remoteAddress ?? ''
  trace.remoteAddress = remote
  if (!options.policy.allowPrivate && blockedReason(remote)) {
    socket.destroy()
    throw new PhaseError('ssrf', `connected to ${remote}, a ${blockedReason(remote)} address: ${NOT_ALLOWED}`)
  }
  return target.secure ? handshake(socket, target, options, trace) : socket
}

const NOT_ALLOWED = 'private targets are only checked by internal probes'

const describe = (host: string, address: string) => (isIP(host) ? address : `${host} (${address})`)

async function resolve(host: string, trace: Trace): Promise<string[]> {
  trace.phase = 'dns'
  if (isIP(host)) return [host]
  const started = now()
  try {
    const answers = await abortable(lookup(host, { all: true }), trace.scope)
    addTiming(trace, 'dns_ms', now() - started)
    if (answers.length === 0) throw new Error(`no address for ${host}`)
    return answers.map((a) => a.address)
  } catch (e) {
    if (trace.scope.aborted) throw e
    throw new PhaseError('dns', `DNS lookup of ${host} failed: ${errorMessage(e)}`)
  }
}

function dial(address: string, port: number, scope: CheckScope): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port })
    guard(socket)
    // Ending the check is how every socket of a check gets closed, whatever phase it reached.
    scope.onAbort(() => socket.destroy())
    socket.once('close', () => reject(new Error('connection closed')))
    socket.once('connect', () => resolve(socket))
    socket.once('error', reject)
  })
}

/**
 * Errors are reported through the phase promises; a stray late 'error' on a socket nobody listens
 * to any more would otherwise crash the whole probe.
 */
function guard(socket: Socket): void {
  socket.on('error', () => {})
}

function handshake(raw: Socket, target: Target, options: ConnectOptions, trace: Trace): Promise<TLSSocket> {
  trace.phase = 'tls'
  const started = now()
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      socket: raw,
      // `host` is what the certificate is checked against; SNI must not carry an IP literal.
      host: target.host,
      ...(isIP(target.host) ? {} : { servername: target.host }),
      // Verified below instead, so the certificate can still be read and reported on failure.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      secureContext: options.secureContext,
    })
    guard(socket)
    socket.once('secureConnect', () => {
      addTiming(trace, 'tls_ms', now() - started)
      const info = readTlsInfo(socket, trace.clock.now())
      if (info) trace.tls = info
      if (socket.authorized) return resolve(socket)
      socket.destroy()
      reject(new PhaseError('tls', `certificate verification failed: ${String(socket.authorizationError)}`))
    })
    socket.once('error', (e) => reject(new PhaseError('tls', `TLS handshake failed: ${errorMessage(e)}`)))
  })
}
