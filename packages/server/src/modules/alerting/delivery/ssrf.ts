import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { DeliveryError } from './errors.js'

/**
 * Where a notification may be sent. Checked at send time on the address actually dialled (the
 * HTTP and SMTP clients connect to the address validated here, so a DNS answer that changes
 * between check and connect cannot slip through).
 *
 * - `lan` classes (private, loopback, CGNAT, ULA) are refused unless the channel allows LAN targets
 *   (signal-cli gateway, Gotify, ntfy, Matrix, Mattermost; a webhook or SMTP relay only with the
 *   superadmin-set `allow_private` flag; every channel under ALERTING_ALLOW_PRIVATE_TARGETS).
 * - `never` classes (link-local — which holds the cloud metadata endpoints —, unspecified,
 *   multicast, reserved, documentation) are refused whatever the flags say.
 */
type Class = 'lan' | 'never'
const RANGES: Array<[string, number, 'ipv4' | 'ipv6', Class, string]> = [
  ['0.0.0.0', 8, 'ipv4', 'never', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'lan', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'lan', 'CGNAT'],
  ['100.100.100.200', 32, 'ipv4', 'never', 'metadata'],
  ['127.0.0.0', 8, 'ipv4', 'lan', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'never', 'link-local/metadata'],
  ['172.16.0.0', 12, 'ipv4', 'lan', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'never', 'reserved'],
  ['192.0.2.0', 24, 'ipv4', 'never', 'documentation'],
  ['192.168.0.0', 16, 'ipv4', 'lan', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'never', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'never', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'never', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'never', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'never', 'reserved'],
  ['::', 128, 'ipv6', 'never', 'unspecified'],
  ['::1', 128, 'ipv6', 'lan', 'loopback'],
  ['fd00:ec2::254', 128, 'ipv6', 'never', 'metadata'],
  ['2001:db8::', 32, 'ipv6', 'never', 'documentation'],
  ['fc00::', 7, 'ipv6', 'lan', 'private (ULA)'],
  ['fe80::', 10, 'ipv6', 'never', 'link-local'],
  ['ff00::', 8, 'ipv6', 'never', 'multicast'],
]
// More specific ranges first, so metadata inside a LAN range is still "never".
const LISTS = RANGES.sort((a, b) => b[1] - a[1]).map(([address, prefix, family, cls, label]) => {
  const list = new BlockList()
  list.addSubnet(address, prefix, family)
  return { list, family, cls, label }
})

/** The class of a non-public address, or null for a public one. IPv4-mapped IPv6 is judged as IPv4. */
export function classify(address: string): { cls: Class; label: string } | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  const a = mapped?.[1] ?? address
  const family = isIP(a) === 4 ? 'ipv4' : isIP(a) === 6 ? 'ipv6' : null
  if (!family) return { cls: 'never', label: 'not an IP address' }
  for (const l of LISTS) if (l.family === family && l.list.check(a, family)) return { cls: l.cls, label: l.label }
  return null
}

export interface ResolvedTarget {
  host: string
  address: string
  family: 4 | 6
}

/**
 * Resolves a host and checks every address it resolves to; returns the one to dial.
 *
 * @example await resolveTarget('hooks.slack.com', { allowLan: false }) // { address: '…', family: 4 }
 */
export async function resolveTarget(host: string, opts: { allowLan: boolean }): Promise<ResolvedTarget> {
  const bare = host.replace(/^\[|\]$/g, '')
  let addresses: { address: string; family: number }[]
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }]
  else {
    try {
      addresses = await lookup(bare, { all: true, verbatim: true })
    } catch (err) {
      throw new DeliveryError(`cannot resolve ${bare}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, false)
    }
  }
  if (addresses.length === 0) throw new DeliveryError(`cannot resolve ${bare}`, false)
  for (const a of addresses) {
    const c = classify(a.address)
    if (c && (c.cls === 'never' || !opts.allowLan))
      throw new DeliveryError(`refused: ${bare} resolves to a ${c.label} address (${a.address})`, true)
  }
  const first = addresses[0]!
  return { host: bare, address: first.address, family: first.family === 6 ? 6 : 4 }
}

/** Only http(s) URLs without credentials in them are ever dialled. */
export function checkUrl(raw: string): URL {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new DeliveryError('invalid URL', true)
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new DeliveryError(`refused scheme ${u.protocol}`, true)
  if (u.username || u.password) throw new DeliveryError('credentials in URLs are refused', true)
  return u
}
