import { BlockList, isIP } from 'node:net'

/**
 * The self-hoster's explicit exceptions to the SSRF guard (`PROBE_ALLOW_NETWORKS`): networks an
 * external probe may reach even though they are private, e.g. the LAN the probe watches.
 */
export interface AllowNetworksPolicy {
  readonly allowNetworks?: readonly string[]
}

/**
 * Parses `10.0.0.0/8, fd00::/8, 192.168.1.20` (a bare address is a single host). Throws on the
 * first malformed entry, naming it, so a typo stops the probe at start rather than silently
 * allowing nothing. Returns the normalised CIDRs.
 *
 * @example
 * parseAllowNetworks('10.0.0.0/8, ::1') // ['10.0.0.0/8', '::1/128']
 */
export function parseAllowNetworks(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const [address = '', prefixText, extra] = entry.split('/')
      const family = isIP(address)
      const max = family === 4 ? 32 : 128
      const prefix = prefixText === undefined ? max : Number(prefixText)
      const badPrefix = prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)
      if (family === 0 || extra !== undefined || badPrefix || prefix > max) {
        throw new Error(`"${entry}" is not an IPv4/IPv6 address or CIDR (e.g. 10.0.0.0/8, fd00::/8)`)
      }
      return `${address.toLowerCase()}/${prefix}`
    })
}

/** Compiled once per list: checkers call {@link isAllowedNetwork} for every address they dial. */
const compiled = new WeakMap<readonly string[], BlockList>()

function compile(networks: readonly string[]): BlockList {
  let list = compiled.get(networks)
  if (!list) {
    list = new BlockList()
    for (const cidr of networks) {
      const [address = '', prefix = ''] = cidr.split('/')
      list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6')
    }
    compiled.set(networks, list)
  }
  return list
}

/**
 * Whether the address about to be dialled lies in an explicitly allowed network. The SSRF guard
 * asks this only for an address it would otherwise block. IPv4-mapped IPv6 (`::ffff:10.1.2.3`)
 * matches its IPv4 network.
 *
 * @example
 * isAllowedNetwork({ allowNetworks: ['10.0.0.0/8'] }, '10.1.2.3') === true
 */
export function isAllowedNetwork(policy: AllowNetworksPolicy, address: string): boolean {
  const networks = policy.allowNetworks
  if (!networks || networks.length === 0) return false
  const family = isIP(address)
  if (family === 0) return false
  const list = compile(networks)
  if (list.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  return mapped !== undefined && list.check(mapped, 'ipv4')
}

/** Entries that also open the cloud metadata endpoint: worth a warning at start. */
export function coversMetadataEndpoint(networks: readonly string[]): boolean {
  return isAllowedNetwork({ allowNetworks: networks }, '169.254.169.254')
}
