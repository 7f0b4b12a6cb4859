import type { ConnectOptions } from './connect.js'
import { exchange } from './http-exchange.js'
import { PhaseError, type Trace } from './trace.js'

/** IANA's bootstrap registry of RDAP servers per TLD (RFC 9224). */
export const IANA_RDAP_BOOTSTRAP = 'https://data.iana.org/rdap/dns.json'
const BOOTSTRAP_TTL_MS = 24 * 3_600_000
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const HEADERS = { accept: 'application/rdap+json, application/json', 'user-agent': 'WhatIsUp-Probe/0.1' }

/** What an RDAP answer says about a domain's registration. */
export interface RdapFacts {
  expiresAt?: number
  registrar?: string
  url: string
}

/**
 * GET over the checker's own connections (resolved, policy-checked, verified), following at most 3
 * redirects: RDAP servers commonly redirect to the registry that holds the domain.
 */
export async function getJson(
  url: URL,
  connect: ConnectOptions,
  trace: Trace,
): Promise<{ status: number; json?: unknown; url: URL }> {
  let current = url
  for (let hops = 0; ; hops++) {
    const hop = await exchange(
      {
        url: current,
        method: 'GET',
        headers: HEADERS,
        body: null,
        isRedirect: (s) => REDIRECTS.has(s),
        keepBody: true,
      },
      connect,
      trace,
    )
    if (REDIRECTS.has(hop.status) && hop.location && hops < 3) {
      current = new URL(hop.location, current)
      if (current.protocol !== 'https:' && current.protocol !== 'http:') break
      continue
    }
    if (hop.status !== 200 || hop.body === undefined) return { status: hop.status, url: current }
    try {
      return { status: 200, json: JSON.parse(hop.body), url: current }
    } catch {
      throw new PhaseError('response', `${current.host} answered with something that is not JSON`)
    }
  }
  throw new PhaseError('response', `too many redirects from ${url.host}`)
}

/**
 * The RDAP base URLs per TLD, fetched at most once a day per process (and once at a time): every
 * domain check needs it, and IANA asks clients to cache it.
 */
export class RdapBootstrap {
  private cached: { at: number; services: Map<string, string> } | undefined
  private pending: Promise<Map<string, string>> | undefined

  constructor(private readonly url: string) {}

  async baseFor(domain: string, connect: ConnectOptions, trace: Trace, nowMs: number): Promise<string | undefined> {
    const services = await this.services(connect, trace, nowMs)
    // Longest matching suffix: a bootstrap may list `co.uk` apart from `uk`.
    const labels = domain.split('.')
    for (let i = 0; i < labels.length; i++) {
      const base = services.get(labels.slice(i).join('.'))
      if (base) return base
    }
    return undefined
  }

  private async services(connect: ConnectOptions, trace: Trace, nowMs: number): Promise<Map<string, string>> {
    if (this.cached && nowMs - this.cached.at < BOOTSTRAP_TTL_MS) return this.cached.services
    this.pending ??= this.fetch(connect, trace, nowMs).finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  private async fetch(connect: ConnectOptions, trace: Trace, nowMs: number): Promise<Map<string, string>> {
    const { status, json } = await getJson(new URL(this.url), connect, trace)
    if (json === undefined) throw new PhaseError('response', `RDAP bootstrap answered HTTP ${status}`)
    const services = new Map<string, string>()
    const entries = (json as { services?: unknown }).services
    for (const entry of Array.isArray(entries) ? entries : []) {
      const [tlds, urls] = Array.isArray(entry) ? (entry as unknown[]) : []
      const https = Array.isArray(urls) ? urls.find((u) => typeof u === 'string' && u.startsWith('https:')) : undefined
      const base = (https ?? (Array.isArray(urls) ? urls[0] : undefined)) as string | undefined
      if (!base || !Array.isArray(tlds)) continue
      for (const tld of tlds) if (typeof tld === 'string') services.set(tld.toLowerCase(), base)
    }
    this.cached = { at: nowMs, services }
    return services
  }
}

/** Asks an RDAP server about `domain`; undefined facts mean the server does not know it (404). */
export async function rdapLookup(
  base: string,
  domain: string,
  connect: ConnectOptions,
  trace: Trace,
): Promise<RdapFacts | 'not-found'> {
  const url = new URL(`domain/${encodeURIComponent(domain)}`, base.endsWith('/') ? base : `${base}/`)
  const { status, json, url: answeredBy } = await getJson(url, connect, trace)
  if (status === 404) return 'not-found'
  if (json === undefined) throw new PhaseError('response', `RDAP server ${url.host} answered HTTP ${status}`)
  const facts: RdapFacts = { url: answeredBy.href }
  const expiresAt = expirationOf(json)
  if (expiresAt !== undefined) facts.expiresAt = expiresAt
  const registrar = registrarOf(json)
  if (registrar) facts.registrar = registrar.slice(0, 200)
  return facts
}

/** `events[eventAction = expiration].eventDate` (RFC 9083 §4.5). */
export function expirationOf(json: unknown): number | undefined {
  const events = (json as { events?: unknown }).events
  if (!Array.isArray(events)) return undefined
  for (const e of events as Array<{ eventAction?: unknown; eventDate?: unknown }>) {
    if (e?.eventAction !== 'expiration' || typeof e.eventDate !== 'string') continue
    const t = Date.parse(e.eventDate)
    if (Number.isFinite(t)) return t
  }
  return undefined
}

/** The `fn` of the entity with role `registrar`, when the server gives one. */
function registrarOf(json: unknown): string | undefined {
  const entities = (json as { entities?: unknown }).entities
  if (!Array.isArray(entities)) return undefined
  for (const e of entities as Array<{ roles?: unknown; vcardArray?: unknown }>) {
    if (!Array.isArray(e?.roles) || !e.roles.includes('registrar') || !Array.isArray(e.vcardArray)) continue
    const props = e.vcardArray[1]
    if (!Array.isArray(props)) continue
    const fn = (props as unknown[][]).find((p) => Array.isArray(p) && p[0] === 'fn')
    if (fn && typeof fn[3] === 'string') return fn[3]
  }
  return undefined
}
