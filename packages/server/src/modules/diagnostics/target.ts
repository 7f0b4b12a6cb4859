import type { DiagnosticKind, DiagnosticTarget } from '@whatisup/shared'

/** What a probe is asked to capture for a monitor: where, and which collectors make sense there. */
export interface DiagnosticPlan {
  target: DiagnosticTarget
  kinds: DiagnosticKind[]
}

const PATH: DiagnosticKind[] = ['traceroute', 'dns', 'ping']
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 }

/**
 * The diagnostic plan for a monitor, from its kind and settings (as stored: `config` JSON). Every
 * network kind gets the path collectors (traceroute, DNS, ping); TLS endpoints add `tls`, HTTP
 * monitors add `http`; a DNS monitor is diagnosed through its own resolvers. Null for kinds with
 * no network target (heartbeat, composite, manual).
 *
 * @example
 * planFor('http', 'https://shop.example/health', {}) // → target {host:'shop.example', port:443, url}, kinds [traceroute, dns, ping, tls, http]
 */
export function planFor(checkType: string, url: string, config: Record<string, unknown>): DiagnosticPlan | null {
  const host = typeof config.host === 'string' ? config.host : undefined
  const port = typeof config.port === 'number' ? config.port : undefined
  switch (checkType) {
    case 'http':
    case 'websocket': {
      const target = fromUrl(url)
      if (!target) return null
      const secure = target.url?.startsWith('https:') || target.url?.startsWith('wss:')
      const kinds: DiagnosticKind[] = [...PATH]
      if (secure) kinds.push('tls')
      if (checkType === 'http') kinds.push('http')
      return { target, kinds }
    }
    case 'dns': {
      const hostname = typeof config.hostname === 'string' ? config.hostname : undefined
      if (!hostname) return null
      const resolvers = Array.isArray(config.resolvers) ? config.resolvers.filter((r) => typeof r === 'string') : []
      return { target: { host: hostname, ...(resolvers.length ? { resolvers } : {}) }, kinds: ['dns'] }
    }
    case 'domain_expiry':
      return typeof config.domain === 'string' ? { target: { host: config.domain }, kinds: ['dns'] } : null
    case 'ping':
      return host ? { target: { host }, kinds: [...PATH] } : null
    case 'tcp':
    case 'udp':
    case 'smtp':
    case 'postgres':
    case 'mysql':
    case 'redis':
    case 'mqtt': {
      if (!host) return null
      const tls = config.tls === true || config.implicit_tls === true
      return { target: { host, ...(port ? { port } : {}) }, kinds: tls && port ? [...PATH, 'tls'] : [...PATH] }
    }
    default:
      return null
  }
}

function fromUrl(text: string): DiagnosticTarget | null {
  let u: URL
  try {
    u = new URL(text)
  } catch {
    return null
  }
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[u.protocol]
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (!host || port === undefined) return null
  // Credentials in the URL stay with the monitor: the diagnostic request is stored and shown.
  u.username = ''
  u.password = ''
  return { host, port, url: u.toString() }
}
