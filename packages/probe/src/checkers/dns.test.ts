import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DnsServer, startDnsServer } from '../../test/helpers/dns-server.js'
import { monitorOf } from '../../test/helpers/monitor.js'
import { createDnsChecker } from './dns.js'
import { answerFingerprint, parseResolver } from './dns-records.js'

const checker = createDnsChecker()
let dns: DnsServer

beforeAll(async () => {
  dns = await startDnsServer({
    'example.test': {
      records: [
        { type: 'A', value: '192.0.2.10', ttl: 60 },
        { type: 'A', value: '192.0.2.11', ttl: 30 },
        { type: 'AAAA', value: '2001:db8::10' },
        { type: 'MX', priority: 10, exchange: 'Mail.Example.test' },
        { type: 'TXT', chunks: ['v=spf1 ', '-all'] },
        { type: 'NS', value: 'ns1.example.test' },
        { type: 'CAA', flags: 0, tag: 'issue', value: 'letsencrypt.org' },
        { type: 'SOA', mname: 'ns1.example.test', rname: 'hostmaster.example.test', serial: 2026010101 },
      ],
    },
    'www.example.test': { records: [{ type: 'CNAME', value: 'example.test' }] },
    '_sip._tcp.example.test': {
      records: [{ type: 'SRV', priority: 10, weight: 5, port: 5060, target: 'sip.example.test' }],
    },
    'broken.test': { rcode: 2 },
    'refused.test': { rcode: 5 },
    'silent.test': { drop: true },
  })
})
afterAll(() => dns.close())

const check = (
  settings: Record<string, unknown>,
  common: Parameters<typeof monitorOf>[2] = {},
  allowPrivate = true,
): Promise<CheckResult> =>
  checker.run({
    monitor: monitorOf('dns', { hostname: 'example.test', resolvers: [dns.address], ...settings }, common),
    checkedAt: 1,
    policy: { allowPrivate },
    clock: systemClock,
  })

describe('dns checker', () => {
  it('resolves A records through the chosen resolver, with answers, ttl and a fingerprint', async () => {
    const r = await check({ expected_values: ['192.0.2.11'] }, { conditions: ['len([DNS_ANSWERS]) == 2'] })
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1' })
    expect(r.details).toEqual({
      record_type: 'A',
      rcode: 'NOERROR',
      answers: ['192.0.2.10', '192.0.2.11'],
      answer_fingerprint: answerFingerprint(['192.0.2.11', '192.0.2.10']),
      resolvers: [dns.address],
      ttl: 30,
    })
    expect(r.conditions?.map((c) => [c.condition, c.success])).toEqual([
      ['[DNS_RCODE] == NOERROR', true],
      ['len([DNS_ANSWERS]) == 2', true],
      ['[DNS_ANSWERS] includes "192.0.2.11"', true],
    ])
    expect(r.timings?.dns_ms).toBeGreaterThanOrEqual(0)
    expect(dns.queries.at(-1)).toBe('example.test/A')
  })

  it.each([
    ['AAAA', 'example.test', '2001:db8::10'],
    ['CNAME', 'www.example.test', 'example.test'],
    ['MX', 'example.test', '10 Mail.Example.test'],
    ['TXT', 'example.test', 'v=spf1 -all'],
    ['NS', 'example.test', 'ns1.example.test'],
    ['SRV', '_sip._tcp.example.test', '10 5 5060 sip.example.test'],
    ['CAA', 'example.test', '0 issue "letsencrypt.org"'],
    ['SOA', 'example.test', 'ns1.example.test hostmaster.example.test 2026010101 7200 3600 1209600 300'],
  ])('renders %s answers as text', async (type, hostname, answer) => {
    const r = await check({ record_type: type, hostname })
    expect(r.status).toBe('up')
    expect(r.details?.answers).toEqual([answer])
  })

  it('matches expected values case-insensitively, ignoring a trailing dot', async () => {
    const r = await check({ record_type: 'MX', expected_values: ['10 mail.example.test.'] })
    expect(r.status).toBe('up')
  })

  it('is down naming the value that is missing', async () => {
    const r = await check({ expected_values: ['192.0.2.10', '192.0.2.99'] })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.failure?.message).toContain('192.0.2.99')
    expect(r.conditions?.map((c) => c.success)).toEqual([true, true, false])
  })

  it.each([
    ['nope.test', 'NXDOMAIN'],
    ['broken.test', 'SERVFAIL'],
    ['refused.test', 'REFUSED'],
  ])('maps %s to rcode %s: down unless expected', async (hostname, rcode) => {
    const r = await check({ hostname }, { conditions: [`[DNS_RCODE] == ${rcode}`] })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' }, details: { rcode, answers: [] } })
    expect(r.failure?.message).toBe(`response code ${rcode}, expected NOERROR`)
    expect(r.conditions?.[1]?.success).toBe(true)
    expect((await check({ hostname, expected_rcode: rcode })).status).toBe('up')
  })

  it('is down when the name exists but has no record of the type (NODATA)', async () => {
    const r = await check({ hostname: 'www.example.test', record_type: 'TXT' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' }, details: { rcode: 'NOERROR' } })
  })

  it('times out within the deadline when the resolver does not answer', async () => {
    const started = Date.now()
    const r = await check({ hostname: 'silent.test' }, { timeout_seconds: 1 })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' } })
  })

  it('refuses a private resolver on an external probe without querying it', async () => {
    const before = dns.queries.length
    const r = await check({}, {}, false)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
    expect(dns.queries.length).toBe(before)
  })

  it('parses resolver addresses', () => {
    expect(parseResolver('1.1.1.1')).toEqual({ address: '1.1.1.1', port: 53 })
    expect(parseResolver('1.1.1.1:5353')).toEqual({ address: '1.1.1.1', port: 5353 })
    expect(parseResolver('[2606:4700::1111]:853')).toEqual({ address: '2606:4700::1111', port: 853 })
    expect(parseResolver('2606:4700::1111')).toEqual({ address: '2606:4700::1111', port: 53 })
    expect(parseResolver('dns.google')).toBeUndefined()
  })
})
