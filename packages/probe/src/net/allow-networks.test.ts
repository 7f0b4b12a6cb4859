import { describe, expect, it } from 'vitest'
import { coversMetadataEndpoint, isAllowedNetwork, parseAllowNetworks } from './allow-networks.js'

describe('PROBE_ALLOW_NETWORKS', () => {
  it('parses CIDRs and single hosts, normalised', () => {
    expect(parseAllowNetworks('')).toEqual([])
    expect(parseAllowNetworks(' 10.0.0.0/8 ,FD00::/8,, 192.168.1.20,::1')).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.20/32',
      '::1/128',
    ])
    for (const bad of ['10.0.0.0/33', 'lan', '10.0.0/8', '10.0.0.0/', '10.0.0.0/-1', 'fe80::/200', '1.2.3.4/8/8']) {
      expect(() => parseAllowNetworks(bad), bad).toThrow(/is not an IPv4\/IPv6 address or CIDR/)
    }
  })

  it.each([
    ['10.0.0.0/8', '10.200.3.4', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['10.0.0.0/8', '::ffff:a01:203', true],
    ['192.168.1.20/32', '192.168.1.20', true],
    ['192.168.1.20/32', '192.168.1.21', false],
    ['fd00::/8', 'fd12:3456::1', true],
    ['fd00::/8', 'fe80::1', false],
    ['::1/128', '::1', true],
    ['127.0.0.0/8', '::1', false],
    ['10.0.0.0/8', 'not-an-ip', false],
  ])('%s allows %s: %s', (cidr, address, allowed) => {
    expect(isAllowedNetwork({ allowNetworks: [cidr] }, address)).toBe(allowed)
  })

  it('allows nothing without a list, and flags a list that opens the metadata endpoint', () => {
    expect(isAllowedNetwork({}, '10.0.0.1')).toBe(false)
    expect(isAllowedNetwork({ allowNetworks: [] }, '10.0.0.1')).toBe(false)
    expect(coversMetadataEndpoint(['169.254.0.0/16'])).toBe(true)
    expect(coversMetadataEndpoint(['10.0.0.0/8'])).toBe(false)
  })
})
