import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls'
import { type CheckResult, statusAccepted } from '@whatisup/shared'
import type { ConnectOptions } from './connect.js'
import { exchange } from './http-exchange.js'
import { CheckScope, errorMessage, now, PhaseError, round, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'

export const USER_AGENT = 'WhatIsUp-Probe/0.1'
const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Sent to the first origin only: a redirect must not carry credentials to another site. */
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization'])

export interface HttpCheckerOptions {
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  extraCa?: readonly string[]
}

/**
 * HTTP(S) check: a fresh connection per hop, every phase timed, a hard overall deadline of
 * `timeout_seconds` that always yields a result, certificates verified and reported.
 */
export function createHttpChecker(options: HttpCheckerOptions = {}): Checker<'http'> {
  // `ca` replaces the trust store, so the bundled roots are kept alongside the extra ones.
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined
  const secureContext = createSecureContext(ca ? { ca } : {})
  return { run: (ctx) => runHttpCheck(ctx, secureContext) }
}

async function runHttpCheck(ctx: CheckContext<'http'>, secureContext: SecureContext): Promise<CheckResult> {
  const started = now()
  const scope = new CheckScope()
  const trace: Trace = {
    phase: 'dns',
    timings: {},
    redirects: 0,
    url: ctx.monitor.url,
    clock: ctx.clock,
    scope,
  }
  const finish = (failure?: PhaseError, http_status?: number) =>
    toResult(ctx, trace, now() - started, failure, http_status)
  const timeoutMs = ctx.monitor.timeout_seconds * 1000
  let timer: ReturnType<typeof ctx.clock.setTimeout> | undefined
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = ctx.clock.setTimeout(() => {
      const message = `no complete answer within ${ctx.monitor.timeout_seconds}s (stalled in ${trace.phase})`
      resolve(finish(new PhaseError('timeout', message)))
    }, timeoutMs)
  })
  const work = follow(ctx.monitor, { policy: ctx.policy, secureContext }, trace).then(
    ({ status, failure }) => finish(failure, status),
    (e: unknown) => finish(e instanceof PhaseError ? e : new PhaseError('request', errorMessage(e))),
  )
  try {
    return await Promise.race([work, deadline])
  } finally {
    if (timer) ctx.clock.clearTimeout(timer)
    // Closes whatever socket is still open: the check is over either way.
    scope.abort()
  }
}

async function follow(
  monitor: ProbeMonitor<'http'>,
  options: ConnectOptions,
  trace: Trace,
): Promise<{ status?: number; failure?: PhaseError }> {
  let url = parseUrl(monitor.url)
  let method: string = monitor.method
  let body = monitor.body
  let headers = requestHeaders(monitor)
  const followable = (status: number) => monitor.follow_redirects && REDIRECTS.has(status)
  for (;;) {
    trace.url = url.href
    const hop = await exchange({ url, method, headers, body, isRedirect: followable }, options, trace)
    if (!followable(hop.status) || !hop.location) {
      if (statusAccepted(hop.status, monitor.expected_status_codes)) return { status: hop.status }
      const expected = monitor.expected_status_codes.join(', ')
      return { status: hop.status, failure: new PhaseError('assertion', `HTTP ${hop.status}, expected ${expected}`) }
    }
    if (trace.redirects >= monitor.max_redirects) {
      const failure = new PhaseError('response', `too many redirects (more than ${monitor.max_redirects})`)
      return { status: hop.status, failure }
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
  if (monitor.body !== null) headers['content-length'] = String(Buffer.byteLength(monitor.body))
  return headers
}

function dropKeys(headers: Record<string, string>, keys: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !keys.has(k)))
}

function toResult(
  ctx: CheckContext<'http'>,
  trace: Trace,
  latency: number,
  failure?: PhaseError,
  status?: number,
): CheckResult {
  const result: CheckResult = {
    monitor_id: ctx.monitor.id,
    checked_at: ctx.checkedAt,
    status: failure ? 'down' : 'up',
    latency_ms: round(latency),
    timings: { ...trace.timings },
    redirect_count: trace.redirects,
    final_url: trace.url.slice(0, 2048),
  }
  if (status !== undefined && status >= 100 && status <= 599) result.http_status = status
  if (failure) result.failure = { phase: failure.phase, message: failure.message.slice(0, 1000) }
  if (trace.tls) result.tls = trace.tls
  if (trace.remoteAddress) result.remote_address = trace.remoteAddress.slice(0, 64)
  return result
}
