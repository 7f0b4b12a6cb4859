import { lookup } from 'node:dns/promises'
import { isIP, type Socket, connect as tcpConnect } from 'node:net'
import type { SecureContext } from 'node:tls'
import { policyBlocks } from './ssrf.js'
import { upgradeTls } from './tls.js'
import type { TlsSessionCache } from './tls-sessions.js'
import { abortable, addTiming, type CheckScope, errorMessage, guard, now, PhaseError, type Trace } from './trace.js'
import type { NetworkPolicy } from './types.js'

export interface Target {
  /** Hostname or IP literal, without IPv6 brackets. */
  host: string
  port: number
  secure: boolean
  /** Only addresses of this family are resolved and dialled (`ip_family`); absent: both. */
  family?: 4 | 6 | undefined
}

export interface ConnectOptions {
  policy: NetworkPolicy
  /** Built once per checker (or per monitor for a client certificate): not per connection. */
  secureContext: SecureContext
  /** ALPN offered in the handshake; HTTP offers `http/1.1`, other protocols nothing. */
  alpn?: string[] | undefined
  /** Report certificate problems but go on (the pin is still enforced). */
  ignoreTlsErrors?: boolean | undefined
  /** Lower-case hex SHA-256 of the leaf DER the peer must present. */
  pinSha256?: string | null | undefined
  /** Resume TLS sessions per target from this cache (see {@link TlsSessionCache}); absent: a full handshake every time. */
  sessions?: TlsSessionCache | undefined
}

/** `ip_family` setting → address family. */
export const familyOf = (ipFamily: 'auto' | 'ipv4' | 'ipv6'): 4 | 6 | undefined =>
  ipFamily === 'ipv4' ? 4 : ipFamily === 'ipv6' ? 6 : undefined

/**
 * Resolves, applies the network policy to the resolved addresses, then dials those literal
 * addresses: what was validated is what gets connected to, so DNS rebinding has no window. For
 * HTTPS the handshake completes and the certificate is verified BEFORE the socket is handed to the
 * HTTP layer, so no request byte (custom headers may carry credentials) reaches an unverified peer.
 */
export async function openConnection(target: Target, options: ConnectOptions, trace: Trace): Promise<Socket> {
  const addresses = await resolveAllowed(target.host, target.family, options.policy, trace)
  trace.phase = 'connect'
  const started = now()
  let socket: Socket | undefined
  let remote = ''
  let lastError: unknown
  // In resolver order; a second address is only tried when the first refuses or fails fast.
  for (const address of addresses) {
    try {
      socket = await dial(address, target.port, trace.scope)
      remote = address
      break
    } catch (e) {
      lastError = e
      if (trace.scope.aborted) break
    }
  }
  if (!socket) throw new PhaseError('connect', errorMessage(lastError))
  addTiming(trace, 'connect_ms', now() - started)
  // The literal address dialled, which the policy already allowed: what the socket is connected
  // to, without asking the kernel again (getpeername) on every check.
  trace.remoteAddress = remote
  return target.secure ? upgradeTls(socket, target, options, trace) : socket
}

/**
 * Resolves `host` (timed as `dns_ms`) and applies the network policy to every address. For
 * checkers that do not dial TCP themselves (UDP, ping): they must use exactly these addresses.
 */
export async function resolveAllowed(
  host: string,
  family: 4 | 6 | undefined,
  policy: NetworkPolicy,
  trace: Trace,
): Promise<string[]> {
  const addresses = await resolve(host, family, trace)
  // Any blocked address fails the check: a name mixing public and private answers is suspect.
  for (const address of addresses) {
    const reason = policyBlocks(policy, address)
    if (reason) throw new PhaseError('ssrf', `${describe(host, address)} is a ${reason} address: ${NOT_ALLOWED}`)
  }
  return addresses
}

export const NOT_ALLOWED = 'private targets are only checked by internal probes'

const describe = (host: string, address: string) => (isIP(host) ? address : `${host} (${address})`)

async function resolve(host: string, family: 4 | 6 | undefined, trace: Trace): Promise<string[]> {
  trace.phase = 'dns'
  const literal = isIP(host)
  if (literal) {
    if (family && literal !== family) throw new PhaseError('config', `${host} is not an IPv${family} address`)
    return [host]
  }
  const started = now()
  try {
    const answers = await abortable(lookup(host, family ? { all: true, family } : { all: true }), trace.scope)
    addTiming(trace, 'dns_ms', now() - started)
    if (answers.length === 0) throw new Error(`no ${family ? `IPv${family} ` : ''}address for ${host}`)
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
