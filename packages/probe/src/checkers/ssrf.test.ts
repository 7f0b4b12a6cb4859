import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { type Running, startHttp } from '../../test/helpers/servers.js'
import { createHttpChecker } from './http.js'
import { blockedReason, policyBlocks } from './ssrf.js'

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:c0a8:0101::1', 'private'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00:ec2::254', 'private (ULA)'],
    ['100.64.0.1', 'CGNAT'],
    ['169.254.169.254', 'link-local/metadata'],
    ['fe80::1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
  ])('blocks %s (%s)', (address, reason) => {
    expect(blockedReason(address)).toBe(reason)
  })

  it.each([
    '93.184.216.34',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ])('allows public %s', (address) => {
    expect(blockedReason(address)).toBeNull()
  })
})

describe('http checker network policy', () => {
  const checker = createHttpChecker()
  let v4: Running
  let v6: Running
  let hits = 0
  beforeAll(async () => {
    v4 = await startHttp((_q, r) => {
      hits++
      r.end('ok')
    })
    v6 = await startHttp((_q, r) => {
      hits++
      r.end('ok')
    }, '::1')
  })
  afterAll(async () => {
    await v4.close()
    await v6.close()
  })
  const check = (url: string, allowPrivate: boolean): Promise<CheckResult> =>
    checker.run({ monitor: monitor({ url }), checkedAt: 0, policy: { allowPrivate }, clock: systemClock })

  it('refuses loopback targets, literal, IPv6, IPv4-mapped and by name, without connecting', async () => {
    hits = 0
    const targets = [v4.url, v6.url, `http://[::ffff:127.0.0.1]:${v4.port}`, `http://localhost:${v4.port}`]
    for (const url of targets) {
      const r = await check(`${url}/`, false)
      expect(r, url).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
      expect(r.failure?.message).toContain('loopback')
      expect(r.remote_address).toBeUndefined()
    }
    expect(hits).toBe(0)
  })

  it('allows private targets when the policy allows them', async () => {
    hits = 0
    for (const url of [v4.url, v6.url, `http://[::ffff:127.0.0.1]:${v4.port}`]) {
      expect(await check(`${url}/`, true), url).toMatchObject({ status: 'up', http_status: 200 })
    }
    expect(hits).toBe(3)
  })
})

describe('policyBlocks', () => {
  it.each([
    [{ allowPrivate: true }, '10.1.2.3', null],
    [{ allowPrivate: false }, '10.1.2.3', 'private'],
    [{ allowPrivate: false, allowNetworks: ['10.0.0.0/8'] }, '10.1.2.3', null],
    [{ allowPrivate: false, allowNetworks: ['10.0.0.0/8'] }, '::ffff:10.1.2.3', null],
    [{ allowPrivate: false, allowNetworks: ['10.0.0.0/8'] }, '192.168.1.1', 'private'],
    [{ allowPrivate: false, allowNetworks: ['10.0.0.0/8'] }, '93.184.216.34', null],
  ])('%j, %s → %s', (policy, address, expected) => {
    expect(policyBlocks(policy, address)).toBe(expected)
  })
})

describe('redirects under an allow-list', () => {
  let v4: Running
  let v6: Running
  beforeAll(async () => {
    v6 = await startHttp((_q, r) => r.end('inner'), '::1')
    v4 = await startHttp((_q, r) => r.writeHead(302, { location: `${v6.url}/` }).end(), '127.0.0.1')
  })
  afterAll(async () => {
    await v4.close()
    await v6.close()
  })

  it('checks every hop: an allowed network may not redirect into a refused one', async () => {
    const policy = { allowPrivate: false, allowNetworks: ['127.0.0.0/8'] }
    const r = await createHttpChecker().run({
      monitor: monitor({ url: `${v4.url}/` }),
      checkedAt: 0,
      policy,
      clock: systemClock,
    })
    expect(r).toMatchObject({ status: 'down', redirect_count: 1, failure: { phase: 'ssrf' } })
    expect(r.failure?.message).toContain('::1')
  })
})
