import type { SecureContext } from 'node:tls'
import type { CheckResult } from '@whatisup/shared'
import { conditionCompiler } from './conditions.js'
import type { ConnectOptions } from './connect.js'
import { IANA_RDAP_BOOTSTRAP, RdapBootstrap, rdapLookup } from './rdap.js'
import { type Outcome, runCheck } from './run.js'
import { trustContext } from './tls.js'
import { days } from './tls-info.js'
import { errorMessage, PhaseError, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'
import { IANA_WHOIS, parseWhoisExpiry, referralOf, whoisQuery } from './whois.js'

export interface DomainExpiryOptions {
  /** The RDAP bootstrap registry (IANA's `dns.json` format). Default: IANA's. */
  rdapBootstrapUrl?: string
  /** One RDAP base URL for every TLD, skipping the bootstrap (a registry's own server, tests). */
  rdapBaseUrl?: string
  /** Ask this WHOIS server (`host[:port]`) directly instead of following IANA's referral. */
  whoisServer?: string
  /** Where WHOIS referrals come from. Default: whois.iana.org. */
  whoisReferralServer?: string
  /** Extra trusted CA certificates (PEM) for RDAP over HTTPS. */
  extraCa?: readonly string[]
}

interface Found {
  expiresAt: number
  source: 'rdap' | 'whois'
  server: string
  registrar?: string
}

/**
 * Domain expiry: RDAP first (bootstrap → the TLD's server → `events[expiration]`), WHOIS over
 * port 43 when RDAP has no server for the TLD or fails. Expired is down; expiring within
 * `warn_days` is degraded. Registries are reached through the same resolve-and-check connections
 * as every target, so an external probe never queries a private address.
 *
 * Details: `expires_at` (epoch ms), `days_remaining`, `source` (`rdap` | `whois`), `server`,
 * `registrar`, `rdap_error` (why WHOIS was used). Placeholder: `[DOMAIN_EXPIRATION]`.
 */
export function createDomainExpiryChecker(options: DomainExpiryOptions = {}): Checker<'domain_expiry'> {
  const secureContext = trustContext(options.extraCa)
  const bootstrap = new RdapBootstrap(options.rdapBootstrapUrl ?? IANA_RDAP_BOOTSTRAP)
  const conditionsOf = conditionCompiler('domain_expiry')
  return {
    run: (ctx) =>
      runCheck(
        ctx,
        conditionsOf(ctx.monitor),
        (trace) => check(ctx, trace, options, bootstrap, secureContext),
        withoutRegistryTls,
      ),
  }
}

async function check(
  ctx: CheckContext<'domain_expiry'>,
  trace: Trace,
  options: DomainExpiryOptions,
  bootstrap: RdapBootstrap,
  secureContext: SecureContext,
): Promise<Outcome> {
  const m = ctx.monitor
  const domain = m.domain.toLowerCase().replace(/\.$/, '')
  const connect: ConnectOptions = { policy: ctx.policy, secureContext, alpn: ['http/1.1'] }
  const details: Record<string, unknown> = {}
  try {
    let found = await viaRdap(domain, options, bootstrap, connect, trace, ctx.clock.now())
    if (found instanceof PhaseError) {
      details.rdap_error = found.message.slice(0, 300)
      found = await viaWhois(domain, options, connect, trace, found)
    }
    return verdict(m, found, details, ctx.clock.now())
  } finally {
    // The registry's certificate is not what this monitor watches: no `tls`, no [CERTIFICATE_EXPIRATION].
    delete trace.tls
    delete trace.cert
  }
}

/** The RDAP answer, or why WHOIS should be asked instead. Throws what WHOIS could not change. */
async function viaRdap(
  domain: string,
  options: DomainExpiryOptions,
  bootstrap: RdapBootstrap,
  connect: ConnectOptions,
  trace: Trace,
  now: number,
): Promise<Found | PhaseError> {
  let facts: Awaited<ReturnType<typeof rdapLookup>>
  try {
    const base = options.rdapBaseUrl ?? (await bootstrap.baseFor(domain, connect, trace, now))
    if (!base) return new PhaseError('response', `no RDAP server for .${domain.split('.').pop()}`)
    facts = await rdapLookup(base, domain, connect, trace)
  } catch (e) {
    // An external probe must not go around a refused address through WHOIS.
    if (e instanceof PhaseError && e.phase === 'ssrf') throw e
    return e instanceof PhaseError ? e : new PhaseError('response', errorMessage(e))
  }
  if (facts === 'not-found') throw new PhaseError('response', `${domain} is not registered (RDAP answered 404)`)
  if (facts.expiresAt === undefined) return new PhaseError('response', 'RDAP gave no expiration date')
  return { expiresAt: facts.expiresAt, source: 'rdap', server: facts.url, ...registrar(facts.registrar) }
}

async function viaWhois(
  domain: string,
  options: DomainExpiryOptions,
  connect: ConnectOptions,
  trace: Trace,
  rdapProblem: PhaseError,
): Promise<Found> {
  let server = options.whoisServer
  if (!server) {
    const tld = domain.split('.').pop() ?? domain
    const iana = await whoisQuery(options.whoisReferralServer ?? IANA_WHOIS, tld, connect, trace)
    server = referralOf(iana)
    if (!server) throw new PhaseError('response', `no WHOIS server known for .${tld} (RDAP: ${rdapProblem.message})`)
  }
  const text = await whoisQuery(server, domain, connect, trace)
  const expiresAt = parseWhoisExpiry(text)
  if (expiresAt === undefined) {
    const why = /no match|not found|no entries/i.test(text) ? `${domain} is not registered` : 'no expiration date'
    throw new PhaseError('response', `${why} in the WHOIS answer from ${server} (RDAP: ${rdapProblem.message})`)
  }
  return { expiresAt, source: 'whois', server }
}

function verdict(
  m: ProbeMonitor<'domain_expiry'>,
  found: Found,
  details: Record<string, unknown>,
  now: number,
): Outcome {
  const left = days(found.expiresAt, now)
  const date = new Date(found.expiresAt).toISOString().slice(0, 10)
  const outcome: Outcome = {
    facts: { domainExpiresInMs: found.expiresAt - now, connected: true },
    details: {
      expires_at: found.expiresAt,
      days_remaining: left,
      source: found.source,
      server: found.server.slice(0, 300),
      ...registrar(found.registrar),
      ...details,
    },
  }
  if (left <= 0) outcome.failure = new PhaseError('assertion', `${m.domain} expired on ${date}`)
  else if (left <= m.warn_days) {
    outcome.degraded = new PhaseError('assertion', `${m.domain} expires in ${Math.floor(left)} days, on ${date}`)
  }
  return outcome
}

/** Also when the deadline cut the check short, before `check` could forget the registry's certificate. */
function withoutRegistryTls(result: CheckResult): void {
  delete result.tls
  if (result.details) delete result.details.tls_chain
}

const registrar = (name: string | undefined) => (name ? { registrar: name } : {})
