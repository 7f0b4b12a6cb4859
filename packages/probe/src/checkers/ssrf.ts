import { BlockList, isIP } from 'node:net'
import { isAllowedNetwork } from '../net/allow-networks.js'
import type { NetworkPolicy } from './types.js'

/**
 * Address classes an external probe refuses to connect to. Checked on the address actually dialled
 * (after resolution), so a hostname that resolves to 127.0.0.1, or a DNS answer that changes
 * between check and connect, cannot slip through.
 */
const V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'CGNAT'],
  ['127.0.0.0', 8, 'loopback'],
  // Holds 169.254.169.254, the cloud metadata endpoint (AWS, GCP, Azure, OpenStack).
  ['169.254.0.0', 16, 'link-local/metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
]
const V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // Deprecated IPv4-compatible form: never a legitimate public target.
  ['::', 96, 'reserved'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'private (ULA)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
]

const lists = [
  ...V4.map(([a, p, l]) => [a, p, l, 'ipv4'] as const),
  ...V6.map(([a, p, l]) => [a, p, l, 'ipv6'] as const),
].map(([address, prefix, label, family]) => {
  const list = new BlockList()
  list.addSubnet(address, prefix, family)
  return { list, label, family }
})

/**
 * Why `address` must not be dialled by an external probe, or null when it is a public address.
 * IPv4 embedded in IPv6 (`::ffff:127.0.0.1`, NAT64 `64:ff9b::7f00:1`, 6to4 `2002:7f00:1::`) is
 * judged as the IPv4 address it reaches.
 *
 * @example
 * blockedReason('::ffff:127.0.0.1') === 'loopback'
 * blockedReason('93.184.216.34') === null
 */
export function blockedReason(address: string): string | null {
  const family = isIP(address)
  if (family === 0) return 'not an IP address'
  if (family === 6) {
    const embedded = embeddedIPv4(address)
    if (embedded) return blockedReason(embedded)
  }
  const type = family === 4 ? 'ipv4' : 'ipv6'
  for (const { list, label, family: f } of lists) if (f === type && list.check(address, type)) return label
  return null
}

function embeddedIPv4(address: string): string | null {
  const groups = expandIPv6(address)
  if (!groups) return null
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0)
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!)
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!)
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!)
  return null
}

/** IPv6 text → 8 groups; handles `::` and a dotted IPv4 tail. */
function expandIPv6(address: string): number[] | null {
  let text = address.split('%')[0]!.toLowerCase()
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)))
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  const fill = tail === undefined ? 0 : 8 - left.length - right.length
  const groups = [...left, ...new Array<number>(Math.max(0, fill)).fill(0), ...right]
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null
}

/**
 * The one decision every checker makes before it sends a packet: why `address` may not be reached
 * under `policy`, or null. Internal probes reach everything; external ones refuse the classes above
 * unless the address lies in an explicitly allowed network.
 *
 * @example
 * policyBlocks({ allowPrivate: false, allowNetworks: ['10.0.0.0/8'] }, '10.1.2.3') === null
 */
export function policyBlocks(policy: NetworkPolicy, address: string): string | null {
  if (policy.allowPrivate) return null
  const reason = blockedReason(address)
  return reason === null || isAllowedNetwork(policy, address) ? null : reason
}
