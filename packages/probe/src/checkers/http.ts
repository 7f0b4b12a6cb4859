import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls'
import type { CheckResult, ConditionContext } from '@whatisup/shared'
import { type CompiledConditions, conditionCompiler, perMonitor } from './conditions.js'
import { type ConnectOptions, familyOf } from './connect.js'
import { headerRecord, httpConditionSpecs } from './http-conditions.js'
import { exchange, type HopResponse } from './http-exchange.js'
import { compileSchema, type SchemaCheck, schemaOutcome } from './json-schema.js'
import { type Outcome, runCheck } from './run.js'
import { days } from './tls-info.js'
import { TlsSessionCache } from './tls-sessions.js'
import { errorMessage, PhaseError, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'

export const USER_AGENT = 'WhatIsUp-Probe/0.1'
const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Sent to the first origin only: a redirect must not carry credentials to another site. */
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization'])
const HTTP_ALPN = ['http/1.1']

export interface HttpCheckerOptions {
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  extraCa?: readonly string[]
  /**
   * HTTPS resumes TLS sessions per target between full handshakes (see {@link TlsSessionCache});
   * `false` makes every check a full handshake.
   */
  tlsSessions?: boolean
}

/** Everything about a monitor that does not change between its checks: built once per monitor. */
interface Prepared {
  conditions: CompiledConditions
  decorate: (result: CheckResult, trace: Trace) => void
  /** The connect options of the last policy seen: the policy object changes only on heartbeats. */
  connect?: ConnectOptions
  headers: Record<string, string>
  keepBody: boolean
  keepHeaders: boolean
  schema?: SchemaCheck
  tls: Omit<ConnectOptions, 'policy'> | PhaseError
}

/**
 * HTTP(S) check: a fresh connection per hop, every phase timed, a hard overall deadline of
 * `timeout_seconds` that always yields a result, certificates verified and reported, the simple
 * assertion fields and `conditions` evaluated by the shared evaluator.
 */
export function createHttpChecker(options: HttpCheckerOptions = {}): Checker<'http'> {
  // `ca` replaces the trust store, so the bundled roots are kept alongside the extra ones.
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined
  const secureContext = createSecureContext(ca ? { ca } : {})
  const sessions = options.tlsSessions === false ? undefined : new TlsSessionCache()
  const conditionsOf = conditionCompiler('http', httpConditionSpecs)
  const prepare = perMonitor((m: ProbeMonitor<'http'>): Prepared => {
    const conditions = conditionsOf(m)
    const prepared: Prepared = {
      conditions,
      decorate: decorate(m),
      headers: requestHeaders(m),
      keepBody: conditions.uses.has('BODY') || m.json_schema !== null,
      keepHeaders: conditions.uses.has('HEADERS'),
      tls: tlsOptions(m, ca, secureContext, sessions),
    }
    if (m.json_schema !== null) prepared.schema = compileSchema(m.json_schema)
    return prepared
  })
  return {
    run: (ctx) => {
      const p = prepare(ctx.monitor)
      return runCheck(ctx, p.conditions, (trace) => check(ctx, p, trace), p.decorate)
    },
  }
}

function tlsOptions(
  m: ProbeMonitor<'http'>,
  ca: string[] | undefined,
  shared: SecureContext,
  sessions: TlsSessionCache | undefined,
): Omit<ConnectOptions, 'policy'> | PhaseError {
  let secureContext = shared
  if (m.client_cert) {
    try {
      // A context per monitor, not per check: parsing keys is the expensive part.
      secureContext = createSecureContext({ ...(ca ? { ca } : {}), cert: m.client_cert.cert, key: m.client_cert.key })
    } catch (e) {
      return new PhaseError('config', `client certificate unusable: ${errorMessage(e)}`)
    }
  }
  return { secureContext, alpn: HTTP_ALPN, ignoreTlsErrors: m.ignore_tls_errors, pinSha256: m.ssl_pin_sha256, sessions }
}

async function check(ctx: CheckContext<'http'>, p: Prepared, trace: Trace): Promise<Outcome> {
  if (p.tls instanceof PhaseError) throw p.tls
  if (p.connect?.policy !== ctx.policy) p.connect = { ...p.tls, policy: ctx.policy }
  const { hop, failure } = await follow(ctx.monitor, p, p.connect, trace)
  const facts: ConditionContext = {}
  if (hop.body !== undefined) facts.body = hop.body
  if (p.keepHeaders) facts.headers = headerRecord(hop.headers)
  return {
    failure: failure ?? expiryFailure(ctx.monitor, trace),
    http_status: hop.status,
    facts,
    extra: p.schema ? [schemaOutcome(p.schema, hop.body)] : undefined,
  }
}

async function follow(
  monitor: ProbeMonitor<'http'>,
  p: Prepared,
  options: ConnectOptions,
  trace: Trace,
): Promise<{ hop: HopResponse; failure?: PhaseError }> {
  let url = parseUrl(monitor.url)
  const pinnedHost = url.host
  let method: string = monitor.method
  let body = monitor.body
  let headers = p.headers
  const family = familyOf(monitor.ip_family)
  const followable = (status: number) => monitor.follow_redirects && REDIRECTS.has(status)
  for (;;) {
    trace.url = url.href
    // The pin names the monitored site's certificate, not a CDN or login host it redirects to.
    const hopOptions = url.host === pinnedHost ? options : { ...options, pinSha256: null }
    const request = { url, method, headers, body, isRedirect: followable, keepBody: p.keepBody, family }
    const hop = await exchange(request, hopOptions, trace)
    if (!followable(hop.status) || !hop.location) return { hop }
    if (trace.redirects >= monitor.max_redirects) {
      return { hop, failure: new PhaseError('response', `too many redirects (more than ${monitor.max_redirects})`) }
    }
    const next = parseUrl(hop.location, url, 'response')
    trace.redirects++
    if (next.origin !== url.origin) headers = dropKeys(headers, ORIGIN_BOUND_HEADERS)
    // What browsers do: 303 always, and 301/302 after a POST, continue as a body-less GET.
    if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET'
      body = null
      headers = dropKeys(headers, new Set(['content-length', 'content-type']))
    }
    url = next
  }
}

/** `ssl_expiry_min_days` against the shortest-lived certificate of the chain, not only the leaf. */
function expiryFailure(m: ProbeMonitor<'http'>, trace: Trace): PhaseError | undefined {
  if (m.ssl_expiry_min_days === null || !trace.cert) return undefined
  const left = days(trace.cert.shortestValidTo, trace.clock.now())
  if (left >= m.ssl_expiry_min_days) return undefined
  const which = trace.cert.shortestSubject ? ` (${trace.cert.shortestSubject})` : ''
  const when = new Date(trace.cert.shortestValidTo).toISOString().slice(0, 10)
  const state = left < 0 ? `expired on ${when}` : `expires in ${left} days, on ${when}`
  return new PhaseError('tls', `certificate${which} ${state}: below the ${m.ssl_expiry_min_days}-day minimum`)
}

function decorate(m: ProbeMonitor<'http'>) {
  return (result: CheckResult, trace: Trace): void => {
    result.redirect_count = trace.redirects
    result.final_url = (trace.url || m.url).slice(0, 2048)
  }
}

function parseUrl(text: string, base?: URL, phase: 'config' | 'response' = 'config'): URL {
  let url: URL
  try {
    url = new URL(text, base)
  } catch {
    throw new PhaseError(phase, `invalid URL: ${text.slice(0, 200)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PhaseError(phase, `unsupported URL scheme ${url.protocol}`)
  }
  return url
}

function requestHeaders(monitor: ProbeMonitor<'http'>): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' }
  // Header names are case-insensitive: a user's "User-Agent" must replace ours, not be sent twice.
  for (const [name, value] of Object.entries(monitor.custom_headers)) headers[name.toLowerCase()] = value
  const auth = monitor.auth
  if (auth?.type === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  } else if (auth?.type === 'bearer') headers.authorization = `Bearer ${auth.token}`
  if (monitor.body !== null) headers['content-length'] = String(Buffer.byteLength(monitor.body))
  return headers
}

function dropKeys(headers: Record<string, string>, keys: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !keys.has(k)))
}
