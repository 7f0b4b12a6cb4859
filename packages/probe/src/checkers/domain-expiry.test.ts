import { type CheckResult, FakeClock, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitorOf } from '../../test/helpers/monitor.js'
import { type Running, startHttp, startTcp } from '../../test/helpers/servers.js'
import { createDomainExpiryChecker, type DomainExpiryOptions } from './domain-expiry.js'
import { parseWhoisExpiry } from './whois.js'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 0, 15)
const inDays = (n: number) => new Date(NOW + n * DAY).toISOString()

/** Registered domains of the fake registry: name → days until expiry. */
const REGISTRY: Record<string, number> = { 'healthy.test': 200, 'soon.test': 10, 'gone.test': -3 }
let rdap: Running
let whois: Running
let iana: Running
const rdapHits: string[] = []
const whoisQueries: string[] = []
let rdapFails = false

beforeAll(async () => {
  rdap = await startHttp((req, res) => {
    rdapHits.push(req.url ?? '')
    if (req.url === '/bootstrap.json') {
      const services = [[['test', 'example'], [`http://127.0.0.1:${rdap.port}/rdap/`]]]
      return res.end(JSON.stringify({ version: '1.0', services }))
    }
    if (rdapFails) return res.writeHead(503).end()
    const days = REGISTRY[decodeURIComponent(req.url ?? '').replace('/rdap/domain/', '')]
    if (days === undefined) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/rdap+json' }).end(
      JSON.stringify({
        objectClassName: 'domain',
        events: [
          { eventAction: 'registration', eventDate: '2010-01-01T00:00:00Z' },
          { eventAction: 'expiration', eventDate: inDays(days) },
        ],
        entities: [
          {
            roles: ['registrar'],
            vcardArray: [
              'vcard',
              [
                ['version', {}, 'text', '4.0'],
                ['fn', {}, 'text', 'Test Registrar'],
              ],
            ],
          },
        ],
      }),
    )
  })
  whois = await startTcp((s) =>
    s.once('data', (d: Buffer) => {
      const q = d.toString().trim()
      whoisQueries.push(q)
      const days = REGISTRY[q]
      s.end(
        days === undefined
          ? 'No match for domain\r\n'
          : `Domain Name: ${q}\r\nRegistry Expiry Date: ${inDays(days)}\r\n`,
      )
    }),
  )
  iana = await startTcp((s) => s.end(`domain: TEST\r\nrefer:        127.0.0.1:${whois.port}\r\n`))
})
afterAll(async () => {
  await Promise.all([rdap.close(), whois.close(), iana.close()])
})

const check = (domain: string, options: DomainExpiryOptions, allowPrivate = true): Promise<CheckResult> =>
  createDomainExpiryChecker(options).run({
    monitor: monitorOf('domain_expiry', { domain, warn_days: 30 }, { interval_seconds: 3600 }),
    checkedAt: NOW,
    policy: { allowPrivate },
    clock: new FakeClock(NOW),
  })

describe('domain_expiry checker', () => {
  const viaBootstrap = (): DomainExpiryOptions => ({ rdapBootstrapUrl: `http://127.0.0.1:${rdap.port}/bootstrap.json` })

  it('finds the expiry through the RDAP bootstrap, with days left and the registrar', async () => {
    const r = await check('healthy.test', viaBootstrap())
    expect(r).toMatchObject({
      status: 'up',
      details: {
        expires_at: NOW + 200 * DAY,
        days_remaining: 200,
        source: 'rdap',
        server: `http://127.0.0.1:${rdap.port}/rdap/domain/healthy.test`,
        registrar: 'Test Registrar',
      },
    })
  })

  it('caches the bootstrap in the checker', async () => {
    rdapHits.length = 0
    const checker = createDomainExpiryChecker(viaBootstrap())
    const monitor = monitorOf('domain_expiry', { domain: 'healthy.test' })
    for (let i = 0; i < 2; i++) {
      await checker.run({ monitor, checkedAt: NOW, policy: { allowPrivate: true }, clock: systemClock })
    }
    expect(rdapHits.filter((u) => u === '/bootstrap.json')).toHaveLength(1)
  })

  it('is degraded within warn_days and down once expired', async () => {
    const soon = await check('soon.test', viaBootstrap())
    expect(soon).toMatchObject({ status: 'degraded', failure: { phase: 'assertion' } })
    expect(soon.failure?.message).toBe('soon.test expires in 10 days, on 2026-01-25')
    const gone = await check('gone.test', viaBootstrap())
    expect(gone).toMatchObject({
      status: 'down',
      failure: { phase: 'assertion', message: 'gone.test expired on 2026-01-12' },
    })
  })

  it('feeds [DOMAIN_EXPIRATION] to conditions', async () => {
    const r = await createDomainExpiryChecker(viaBootstrap()).run({
      monitor: monitorOf('domain_expiry', { domain: 'healthy.test' }, { conditions: ['[DOMAIN_EXPIRATION] > 365d'] }),
      checkedAt: NOW,
      policy: { allowPrivate: true },
      clock: new FakeClock(NOW),
    })
    expect(r.conditions?.[0]).toMatchObject({ success: false, actual: '200d' })
    expect(r.status).toBe('down')
  })

  it('is down for a domain RDAP does not know', async () => {
    const r = await check('unknown.test', viaBootstrap())
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toContain('not registered')
  })

  it('falls back to WHOIS when RDAP fails', async () => {
    rdapFails = true
    try {
      const r = await check('healthy.test', {
        rdapBaseUrl: `http://127.0.0.1:${rdap.port}/rdap/`,
        whoisServer: `127.0.0.1:${whois.port}`,
      })
      expect(r).toMatchObject({ status: 'up', details: { source: 'whois', days_remaining: 200 } })
      expect(r.details?.rdap_error).toContain('503')
    } finally {
      rdapFails = false
    }
  })

  it('follows the IANA WHOIS referral when RDAP has no server for the TLD', async () => {
    whoisQueries.length = 0
    const r = await check('soon.test', {
      rdapBootstrapUrl: `http://127.0.0.1:${rdap.port}/nothing.json`,
      whoisReferralServer: `127.0.0.1:${iana.port}`,
    })
    expect(r).toMatchObject({ status: 'degraded', details: { source: 'whois', server: `127.0.0.1:${whois.port}` } })
    expect(whoisQueries).toEqual(['soon.test'])
  })

  it('refuses private registries on an external probe, without a WHOIS detour', async () => {
    whoisQueries.length = 0
    const r = await check('healthy.test', { ...viaBootstrap(), whoisServer: `127.0.0.1:${whois.port}` }, false)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
    expect(whoisQueries).toEqual([])
  })

  it.each([
    ['Registry Expiry Date: 2026-08-13T04:00:00Z', Date.UTC(2026, 7, 13, 4)],
    ['Registrar Registration Expiration Date: 2026-08-13T04:00:00.000+02:00', Date.UTC(2026, 7, 13, 2)],
    ['    Expiry date:  13-Aug-2026', Date.UTC(2026, 7, 13)],
    ['paid-till:     2026-08-13T21:00:00Z', Date.UTC(2026, 7, 13, 21)],
    ['Expiration Time: 2026-08-13 12:00:00', Date.UTC(2026, 7, 13, 12)],
    ['expires:     2026.08.13', Date.UTC(2026, 7, 13)],
    ['Expiration Date: 13.08.2026', Date.UTC(2026, 7, 13)],
  ])('parses WHOIS %s', (line, expected) => {
    expect(parseWhoisExpiry(`Domain Name: x\n${line}\nother: y`)).toBe(expected)
  })
})
