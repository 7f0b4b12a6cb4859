import { X509Certificate } from 'node:crypto'
import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import { monitor } from '../../test/helpers/monitor.js'
import { type Issued, makePki } from '../../test/helpers/pki.js'
import { type Running, startHttps } from '../../test/helpers/servers.js'
import { createHttpChecker } from './http.js'

let certs: TestCerts
let pki: Awaited<ReturnType<typeof makePki>>
let root: Issued
let client: Issued
let soon: Issued
let checker: ReturnType<typeof createHttpChecker>
const s: Record<'chained' | 'soon' | 'mutual' | 'selfSigned' | 'wrongHost', Running> = {} as never
let requests = 0
const handler = (_q: unknown, res: { end: (t: string) => void }) => {
  requests++
  res.end('ok')
}
const pin = (pem: string) => new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase()

beforeAll(async () => {
  certs = await makeTestCerts()
  pki = await makePki()
  root = await pki.root('Root', 365)
  // The intermediate expires long before the leaf it signed: the chain is only as good as it.
  const inter = await pki.issue('Inter', root, { days: 10, ca: true })
  const leaf = await pki.issue('leaf', inter, { days: 90, san: 'IP:127.0.0.1' })
  soon = await pki.issue('soon', root, { days: 5, san: 'IP:127.0.0.1' })
  client = await pki.issue('client', root, { days: 30, client: true })
  checker = createHttpChecker({ extraCa: [root.cert, certs.ca] })
  s.chained = await startHttps({ key: leaf.key, cert: leaf.cert + inter.cert }, handler)
  s.soon = await startHttps(soon, handler)
  s.mutual = await startHttps(soon, handler, { requestCert: true, rejectUnauthorized: true, ca: [root.cert] })
  s.selfSigned = await startHttps(certs.selfSigned, handler)
  s.wrongHost = await startHttps(certs.wrongHost, handler)
}, 60_000)
afterAll(async () => {
  await Promise.all(Object.values(s).map((r) => r.close()))
  await certs.cleanup()
  await pki.cleanup()
})

const check = (overrides: Parameters<typeof monitor>[0]): Promise<CheckResult> =>
  checker.run({ monitor: monitor(overrides), checkedAt: 1, policy: { allowPrivate: true }, clock: systemClock })

describe('https: chain expiry', () => {
  it('reports the shortest expiry across the chain next to the leaf', async () => {
    const r = await check({ url: `${s.chained.url}/`, conditions: ['[CERTIFICATE_EXPIRATION] > 30d ~degraded'] })
    expect(r.tls?.days_remaining).toBeGreaterThan(89)
    expect(r.details?.tls_chain).toMatchObject({
      length: 3,
      shortest_subject: 'Inter',
      self_signed: false,
      hostname_mismatch: false,
    })
    const chain = r.details?.tls_chain as { shortest_days_remaining: number } | undefined
    expect(chain?.shortest_days_remaining).toBeLessThanOrEqual(10)
    expect(r).toMatchObject({ status: 'degraded', conditions: [{ success: true }, { success: false }] })
  })

  it('is down in phase tls when a chain certificate expires within ssl_expiry_min_days', async () => {
    const r = await check({ url: `${s.chained.url}/`, ssl_expiry_min_days: 30 })
    expect(r).toMatchObject({ status: 'down', http_status: 200, failure: { phase: 'tls' } })
    expect(r.failure?.message).toMatch(
      /^certificate \(Inter\) expires in 9\.\d+ days, on .*: below the 30-day minimum$/,
    )
    expect((await check({ url: `${s.chained.url}/`, ssl_expiry_min_days: 7 })).status).toBe('up')
  })

  it('checks the leaf too: a certificate expiring in 5 days', async () => {
    expect((await check({ url: `${s.soon.url}/`, ssl_expiry_min_days: 7 })).failure?.phase).toBe('tls')
    expect((await check({ url: `${s.soon.url}/`, ssl_expiry_min_days: 3 })).status).toBe('up')
  })
})

describe('https: pinning', () => {
  it('is up when the leaf matches the pin', async () => {
    expect((await check({ url: `${s.soon.url}/`, ssl_pin_sha256: pin(soon.cert) })).status).toBe('up')
  })

  it('is down in phase tls on a pin mismatch, before any request byte is sent', async () => {
    requests = 0
    const r = await check({ url: `${s.soon.url}/`, ssl_pin_sha256: 'a'.repeat(64) })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' } })
    expect(r.failure?.message).toContain('pin mismatch')
    expect(requests).toBe(0)
  })

  it('pins a self-signed certificate when TLS errors are ignored', async () => {
    const r = await check({
      url: `${s.selfSigned.url}/`,
      ignore_tls_errors: true,
      ssl_pin_sha256: pin(certs.selfSigned.cert),
    })
    expect(r).toMatchObject({ status: 'up', tls: { authorized: false } })
  })
})

describe('https: verification failures', () => {
  it('says self-signed in words', async () => {
    const r = await check({ url: `${s.selfSigned.url}/` })
    expect(r.failure).toEqual({ phase: 'tls', message: 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)' })
    expect(r.details?.tls_chain).toMatchObject({ self_signed: true, length: 1 })
  })

  it('says hostname mismatch in words, with the names the certificate covers', async () => {
    const r = await check({ url: `${s.wrongHost.url}/` })
    expect(r.failure).toEqual({
      phase: 'tls',
      message:
        'hostname mismatch: the certificate is for DNS:wrong.example, not 127.0.0.1 (ERR_TLS_CERT_ALTNAME_INVALID)',
    })
    expect(r.details?.tls_chain).toMatchObject({ hostname_mismatch: true, self_signed: false })
  })

  it('ignore_tls_errors: up, with the problem still reported', async () => {
    const r = await check({ url: `${s.wrongHost.url}/`, ignore_tls_errors: true })
    expect(r).toMatchObject({
      status: 'up',
      http_status: 200,
      tls: { authorized: false, authorization_error: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      details: { tls_chain: { hostname_mismatch: true } },
    })
    expect(r.failure).toBeUndefined()
  })
})

describe('https: client certificates', () => {
  it('is refused by a server that requires a client certificate', async () => {
    const r = await check({ url: `${s.mutual.url}/` })
    expect(r.status).toBe('down')
    expect(['tls', 'request', 'response']).toContain(r.failure?.phase)
  })

  it('presents the client certificate (mutual TLS)', async () => {
    const r = await check({ url: `${s.mutual.url}/`, client_cert: { cert: client.cert, key: client.key } })
    expect(r).toMatchObject({ status: 'up', http_status: 200 })
  })

  it('reports an unusable client certificate as a config failure', async () => {
    const r = await check({ url: `${s.mutual.url}/`, client_cert: { cert: client.cert, key: 'not a key' } })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'config' } })
    expect(r.failure?.message).toContain('client certificate unusable')
  })
})
