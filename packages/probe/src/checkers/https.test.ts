import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import { monitor } from '../../test/helpers/monitor.js'
import { type Running, startHttps } from '../../test/helpers/servers.js'
import { createHttpChecker } from './http.js'

let certs: TestCerts
const servers: Record<'valid' | 'expired' | 'selfSigned' | 'wrongHost', Running> = {} as never
let trusting: ReturnType<typeof createHttpChecker>

beforeAll(async () => {
  certs = await makeTestCerts()
  trusting = createHttpChecker({ extraCa: [certs.ca] })
  for (const name of ['valid', 'expired', 'selfSigned', 'wrongHost'] as const) {
    servers[name] = await startHttps(certs[name], (_req, res) => res.end('secure'))
  }
}, 30_000)
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()))
  await certs.cleanup()
})

const check = (url: string, checker = trusting): Promise<CheckResult> =>
  checker.run({ monitor: monitor({ url }), checkedAt: Date.now(), policy: { allowPrivate: true }, clock: systemClock })

describe('https checker', () => {
  it('is up with certificate facts and a TLS phase for a certificate from a trusted CA', async () => {
    const r = await check(`${servers.valid.url}/`)
    expect(r).toMatchObject({ status: 'up', http_status: 200 })
    expect(r.timings).toMatchObject({
      connect_ms: expect.any(Number),
      tls_ms: expect.any(Number),
      ttfb_ms: expect.any(Number),
    })
    expect(r.tls).toMatchObject({ subject: 'valid', issuer: 'WhatIsUp Test CA', authorized: true, protocol: 'TLSv1.3' })
    expect(r.tls?.authorization_error).toBeUndefined()
    expect(r.tls?.days_remaining).toBeGreaterThan(29.9)
    expect(r.tls?.days_remaining).toBeLessThanOrEqual(30)
    expect(r.tls?.valid_to).toBeGreaterThan(Date.now() + 29 * 86_400_000)
    expect(r.tls?.cipher).toMatch(/AES|CHACHA/)
    expect(r.tls?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })

  it('verifies against the system trust store by default', async () => {
    const r = await check(`${servers.valid.url}/`, createHttpChecker())
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' }, tls: { authorized: false } })
    expect(r.failure?.message).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(r.http_status).toBeUndefined()
  })

  it('is down in phase tls for an expired certificate and still reports it', async () => {
    const r = await check(`${servers.expired.url}/`)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' } })
    expect(r.failure?.message).toContain('CERT_HAS_EXPIRED')
    expect(r.tls).toMatchObject({
      subject: 'expired',
      authorized: false,
      authorization_error: 'CERT_HAS_EXPIRED',
      valid_to: Date.UTC(2020, 1, 1),
    })
    expect(r.tls?.days_remaining).toBeLessThan(-1000)
  })

  it('is down in phase tls for a self-signed certificate', async () => {
    const r = await check(`${servers.selfSigned.url}/`)
    expect(r).toMatchObject({
      status: 'down',
      failure: { phase: 'tls' },
      tls: { subject: 'self-signed', authorized: false },
    })
    expect(r.failure?.message).toContain('SELF_SIGNED')
  })

  it('is down in phase tls for a certificate issued to another host', async () => {
    const r = await check(`${servers.wrongHost.url}/`)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' } })
    expect(r.failure?.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID')
    expect(r.tls).toMatchObject({ subject: 'wrong', issuer: 'WhatIsUp Test CA', authorized: false })
  })

  it('verifies the certificate against the hostname too', async () => {
    const r = await check(`https://localhost:${servers.valid.port}/`)
    expect(r).toMatchObject({ status: 'up', tls: { authorized: true } })
    expect(r.timings?.dns_ms).toBeGreaterThanOrEqual(0)
  })
})
