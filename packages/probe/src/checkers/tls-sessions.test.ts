import { X509Certificate } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { type CheckResult, type Clock, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import { monitor } from '../../test/helpers/monitor.js'
import { type Issued, makePki } from '../../test/helpers/pki.js'
import { type Running, startHttps } from '../../test/helpers/servers.js'
import { createHttpChecker } from './http.js'
import type { CertFacts } from './tls-info.js'
import { TLS_FULL_HANDSHAKE_EVERY_MS, TlsSessionCache } from './tls-sessions.js'

let certs: TestCerts
let pki: Awaited<ReturnType<typeof makePki>>
let client: Issued
let rootCa: string
const s: Record<'valid' | 'selfSigned' | 'mutual', Running> = {} as never
/** Per request the server answered: whether its TLS session was a resumed one. */
let resumed: boolean[] = []
const handler = (req: IncomingMessage, res: { end: (t: string) => void }) => {
  resumed.push((req.socket as TLSSocket).isSessionReused())
  res.end('ok')
}
const pin = (pem: string) => new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase()
/** The system clock moved `offsetMs` ahead: what the session cache reads as "now". */
const later = (offsetMs: number): Clock => ({ ...systemClock, now: () => Date.now() + offsetMs })

beforeAll(async () => {
  certs = await makeTestCerts()
  pki = await makePki()
  const root = await pki.root('Root', 365)
  rootCa = root.cert
  const leaf = await pki.issue('leaf', root, { days: 30, san: 'IP:127.0.0.1' })
  client = await pki.issue('client', root, { days: 30, client: true })
  s.valid = await startHttps(certs.valid, handler)
  s.selfSigned = await startHttps(certs.selfSigned, handler)
  s.mutual = await startHttps(leaf, handler, { requestCert: true, rejectUnauthorized: true, ca: [root.cert] })
}, 60_000)
afterAll(async () => {
  await Promise.all(Object.values(s).map((r) => r.close()))
  await certs.cleanup()
  await pki.cleanup()
})
beforeEach(() => {
  resumed = []
})

type Checker = ReturnType<typeof createHttpChecker>
const newChecker = (options: { tlsSessions?: boolean } = {}): Checker =>
  createHttpChecker({ extraCa: [certs.ca, rootCa], ...options })
const check = (
  checker: Checker,
  overrides: Parameters<typeof monitor>[0],
  clock: Clock = systemClock,
): Promise<CheckResult> =>
  checker.run({ monitor: monitor(overrides), checkedAt: 1, policy: { allowPrivate: true }, clock })

describe('https: TLS session resumption', () => {
  it('resumes the session of the last full handshake and reports that handshake’s certificate', async () => {
    const checker = newChecker()
    const before = Date.now()
    const first = await check(checker, { url: `${s.valid.url}/a` })
    const second = await check(checker, { url: `${s.valid.url}/b`, id: 'm2' })
    expect(resumed).toEqual([false, true])
    expect(first.details?.tls_chain).not.toHaveProperty('session_resumed')
    expect(second).toMatchObject({ status: 'up', http_status: 200 })
    // The handshake is still made and timed; the certificate is the one the full handshake verified.
    expect(second.timings?.tls_ms).toBeGreaterThanOrEqual(0)
    expect(second.tls).toMatchObject({
      subject: 'valid',
      issuer: 'WhatIsUp Test CA',
      authorized: true,
      valid_to: first.tls?.valid_to,
      fingerprint256: first.tls?.fingerprint256,
      protocol: 'TLSv1.3',
    })
    expect(second.details?.tls_chain).toMatchObject({ length: 2, self_signed: false, session_resumed: true })
    const readAt = (second.details?.tls_chain as { certificate_read_at?: number } | undefined)?.certificate_read_at
    expect(readAt).toBeGreaterThanOrEqual(before)
    expect(readAt).toBeLessThanOrEqual(Date.now())
  })

  it('makes a full handshake again once the session is older than the refresh period', async () => {
    const checker = newChecker()
    await check(checker, { url: `${s.valid.url}/` })
    await check(checker, { url: `${s.valid.url}/` }, later(TLS_FULL_HANDSHAKE_EVERY_MS - 10_000))
    const refreshed = await check(checker, { url: `${s.valid.url}/` }, later(TLS_FULL_HANDSHAKE_EVERY_MS + 1000))
    expect(resumed).toEqual([false, true, false])
    expect(refreshed.details?.tls_chain).not.toHaveProperty('session_resumed')
    expect(refreshed.tls?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })

  it('still enforces a pin on a resumed session, before any request byte', async () => {
    const checker = newChecker()
    await check(checker, { url: `${s.valid.url}/` })
    const wrong = await check(checker, { url: `${s.valid.url}/`, ssl_pin_sha256: 'a'.repeat(64) })
    expect(wrong).toMatchObject({ status: 'down', failure: { phase: 'tls' } })
    expect(wrong.failure?.message).toContain(`the leaf's SHA-256 is ${pin(certs.valid.cert)}`)
    expect(resumed).toEqual([false])
    const right = await check(checker, { url: `${s.valid.url}/`, ssl_pin_sha256: pin(certs.valid.cert) })
    expect(right.status).toBe('up')
  })

  it('never lets a session kept under ignore_tls_errors pass a monitor that verifies', async () => {
    const checker = newChecker()
    const lenient = await check(checker, { url: `${s.selfSigned.url}/`, ignore_tls_errors: true })
    expect(lenient).toMatchObject({ status: 'up', tls: { authorized: false } })
    const strict = await check(checker, { url: `${s.selfSigned.url}/` })
    expect(strict.failure).toEqual({ phase: 'tls', message: 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)' })
    expect(strict.tls).toMatchObject({ subject: 'self-signed', authorized: false })
    expect(resumed).toEqual([false])
  })

  it('keeps no session from a failed verification: every check makes a full handshake', async () => {
    const checker = newChecker()
    for (let i = 0; i < 2; i++) {
      const r = await check(checker, { url: `${s.selfSigned.url}/` })
      expect(r.failure?.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT')
      expect(r.details?.tls_chain).not.toHaveProperty('session_resumed')
    }
  })

  it('never resumes a client-certificate session for a monitor without that certificate', async () => {
    const checker = newChecker()
    const withCert = await check(checker, {
      url: `${s.mutual.url}/`,
      client_cert: { cert: client.cert, key: client.key },
    })
    expect(withCert.status).toBe('up')
    const without = await check(checker, { url: `${s.mutual.url}/`, id: 'm2' })
    expect(without.status).toBe('down')
    expect(resumed).toEqual([false])
  })

  it('can be turned off: a full handshake on every check', async () => {
    const checker = newChecker({ tlsSessions: false })
    await check(checker, { url: `${s.valid.url}/` })
    const r = await check(checker, { url: `${s.valid.url}/` })
    expect(resumed).toEqual([false, false])
    expect(r.tls?.subject).toBe('valid')
  })
})

describe('TlsSessionCache', () => {
  const cert = (shortestValidTo: number): CertFacts => ({
    shortestValidTo,
    chainLength: 1,
    selfSigned: false,
    hostnameMismatch: false,
    sha256: 'ab',
  })
  const info = { valid_to: 0, days_remaining: 0, authorized: true }
  const ctx = {} as never

  it('stops offering a session when the certificate chain expires, even before the refresh period', () => {
    const cache = new TlsSessionCache()
    const key = cache.keyOf('example.com', 443, ['http/1.1'], ctx)
    cache.store(key, Buffer.from('s'), info, cert(10_000), 1000)
    expect(cache.offer(key, 9999)?.readAt).toBe(1000)
    expect(cache.offer(key, 10_000)).toBeUndefined()
    cache.store(key, Buffer.from('s'), info, cert(500), 1000)
    expect(cache.offer(key, 1000)).toBeUndefined()
  })

  it('keys by trust context, host, port and ALPN, and holds a bounded number of targets', () => {
    const cache = new TlsSessionCache({ maxTargets: 2 })
    const other = {} as never
    expect(cache.keyOf('a', 443, undefined, ctx)).not.toBe(cache.keyOf('a', 443, undefined, other))
    expect(cache.keyOf('a', 443, undefined, ctx)).not.toBe(cache.keyOf('a', 8443, undefined, ctx))
    expect(cache.keyOf('a', 443, undefined, ctx)).not.toBe(cache.keyOf('a', 443, ['http/1.1'], ctx))
    for (const host of ['a', 'b', 'c'])
      cache.store(cache.keyOf(host, 443, undefined, ctx), Buffer.from(host), info, cert(1e13), 0)
    expect(cache.size).toBe(2)
    expect(cache.offer(cache.keyOf('a', 443, undefined, ctx), 1)).toBeUndefined()
    expect(cache.offer(cache.keyOf('c', 443, undefined, ctx), 1)?.session.toString()).toBe('c')
  })
})
