import { lookup, Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { DnsPayloadDto } from '@whatisup/shared'
import { policyBlocks } from '../checkers/ssrf.js'
import { BLOCKED, type Collector, capRaw, DiagnosticError, roundMs } from './collector.js'

type Answer = DnsPayloadDto['answers'][number]

/** The probe's own nameservers asked directly (beyond getaddrinfo), at most this many. */
const MAX_SYSTEM_SERVERS = 3
const QUERY_TIMEOUT_MS = 3000
/** "This name has no record of this type": an empty list, not a failure (NXDOMAIN is one). */
const NO_DATA = new Set(['ENODATA'])

/**
 * The target's A/AAAA/CNAME with timings through the system resolver (getaddrinfo: hosts file,
 * search domains, as the checkers see it), each nameserver the probe is configured with, and a
 * DNS monitor's own resolvers. Those come from the monitor, so they obey the SSRF rules: an
 * external probe does not query a private resolver. An IP literal target has nothing to resolve
 * but is still refused when it is a blocked address.
 */
export function dnsCollector(): Collector<'dns'> {
  return async ({ target, policy, signal }) => {
    const host = target.host
    if (isIP(host)) {
      if (policyBlocks(policy, host) !== null) throw new DiagnosticError(BLOCKED)
    }
    const system = new Resolver().getServers().slice(0, MAX_SYSTEM_SERVERS)
    const answers = await Promise.all([
      viaSystem(host),
      ...system.map((server) => viaServer(host, server, signal)),
      ...(target.resolvers ?? []).map((server) =>
        policyBlocks(policy, resolverIp(server)) === null
          ? viaServer(host, server, signal)
          : Promise.resolve(failed(server, 0, BLOCKED)),
      ),
    ])
    const payload: DnsPayloadDto = { host, answers }
    return { payload, raw: capRaw(render(payload)), error: null }
  }
}

async function viaSystem(host: string): Promise<Answer> {
  const started = performance.now()
  try {
    const all = await lookup(host, { all: true })
    return {
      resolver: 'system',
      ms: roundMs(performance.now() - started),
      a: all.filter((x) => x.family === 4).map((x) => x.address),
      aaaa: all.filter((x) => x.family === 6).map((x) => x.address),
      cname: [],
      error: null,
    }
  } catch (e) {
    return failed('system', performance.now() - started, describe(e))
  }
}

async function viaServer(host: string, server: string, signal: AbortSignal): Promise<Answer> {
  const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 1 })
  const started = performance.now()
  try {
    resolver.setServers([server])
  } catch (e) {
    return failed(server, 0, describe(e))
  }
  const cancel = () => resolver.cancel()
  signal.addEventListener('abort', cancel, { once: true })
  const [a, aaaa, cname] = await Promise.allSettled([
    resolver.resolve4(host),
    resolver.resolve6(host),
    resolver.resolveCname(host),
  ])
  signal.removeEventListener('abort', cancel)
  const ms = performance.now() - started
  const settled = [a, aaaa, cname]
  const hard = settled.find((s) => s.status === 'rejected' && !NO_DATA.has(code(s.reason)))
  if (hard?.status === 'rejected' && settled.every((s) => s.status === 'rejected')) {
    return failed(server, ms, describe(hard.reason))
  }
  const list = (s: PromiseSettledResult<string[]>) => (s.status === 'fulfilled' ? s.value.slice(0, 32) : [])
  return {
    resolver: server,
    ms: roundMs(ms),
    a: list(a),
    aaaa: list(aaaa),
    cname: list(cname).slice(0, 8),
    error: hard?.status === 'rejected' ? describe(hard.reason) : null,
  }
}

const failed = (resolver: string, ms: number, error: string): Answer => ({
  resolver,
  ms: roundMs(ms),
  a: [],
  aaaa: [],
  cname: [],
  error,
})

/** `1.2.3.4`, `1.2.3.4:53`, `[::1]:53` or `::1` → the IP. */
function resolverIp(server: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(server)
  if (bracketed) return bracketed[1] ?? ''
  return isIP(server) ? server : (server.split(':')[0] ?? '')
}

const code = (e: unknown) => String((e as { code?: unknown }).code ?? '')
const describe = (e: unknown) => (code(e) || (e instanceof Error ? e.message : String(e))).slice(0, 300)

function render(p: DnsPayloadDto): string {
  return p.answers
    .map((x) => {
      const records = [
        ...x.cname.map((c) => `CNAME ${c}`),
        ...x.a.map((v) => `A ${v}`),
        ...x.aaaa.map((v) => `AAAA ${v}`),
      ]
      const tail = x.error ? ` error ${x.error}` : ''
      return `${x.resolver} (${x.ms} ms): ${records.join(', ') || '(no records)'}${tail}`
    })
    .join('\n')
}
