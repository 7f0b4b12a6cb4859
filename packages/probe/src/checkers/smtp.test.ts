import { type CheckResult, systemClock } from '@whatisup/shared'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import { monitorOf } from '../../test/helpers/monitor.js'
import { type Running, startTcp } from '../../test/helpers/servers.js'
import { createSmtpChecker } from './smtp.js'

let certs: TestCerts
let checker: ReturnType<typeof createSmtpChecker>
const servers: SMTPServer[] = []
let plain: number
let starttls: number
let implicit: number
let rude: Running

async function smtp(options: ConstructorParameters<typeof SMTPServer>[0]): Promise<number> {
  const server = new SMTPServer({ authOptional: true, disabledCommands: ['AUTH'], logger: false, ...options })
  server.on('error', () => {})
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.server.address() as { port: number }).port
}

beforeAll(async () => {
  certs = await makeTestCerts()
  checker = createSmtpChecker({ extraCa: [certs.ca] })
  plain = await smtp({ name: 'mx.test', banner: 'WhatIsUp test MTA', hideSTARTTLS: true })
  starttls = await smtp({ name: 'mx.test', key: certs.valid.key, cert: certs.valid.cert })
  implicit = await smtp({ name: 'mx.test', secure: true, key: certs.valid.key, cert: certs.valid.cert })
  rude = await startTcp((s) => s.end('554 mx.test no service here\r\n'))
}, 30_000)
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  await rude.close()
  await certs.cleanup()
})

const check = (settings: Record<string, unknown>, common: Parameters<typeof monitorOf>[2] = {}): Promise<CheckResult> =>
  checker.run({
    monitor: monitorOf('smtp', { host: '127.0.0.1', ...settings }, common),
    checkedAt: 1,
    policy: { allowPrivate: true },
    clock: systemClock,
  })

describe('smtp checker', () => {
  it('reads the banner, says EHLO and QUIT, with banner and EHLO timings', async () => {
    const r = await check({ port: plain }, { conditions: ['[BANNER] == pat(*WhatIsUp test MTA*)'] })
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1', details: { tls: 'none' } })
    expect(r.details?.banner).toMatch(/^220 mx\.test ESMTP WhatIsUp test MTA/)
    expect(r.details?.banner_ms).toBeGreaterThanOrEqual(0)
    expect(r.details?.ehlo_ms).toBeGreaterThanOrEqual(0)
    expect(r.details?.extensions).toContain('PIPELINING')
    expect(r.timings).toMatchObject({ connect_ms: expect.any(Number), ttfb_ms: expect.any(Number) })
    expect(r.conditions?.[0]?.success).toBe(true)
  })

  it('upgrades with STARTTLS, verifies the certificate and reports its expiry', async () => {
    const r = await check({ port: starttls, starttls: true }, { conditions: ['[CERTIFICATE_EXPIRATION] > 7d'] })
    expect(r).toMatchObject({ status: 'up', details: { tls: 'starttls' } })
    expect(r.tls).toMatchObject({ subject: 'valid', authorized: true })
    expect(r.tls?.days_remaining).toBeGreaterThan(29)
    expect(r.timings?.tls_ms).toBeGreaterThanOrEqual(0)
    expect(r.details?.extensions).not.toContain('STARTTLS')
    expect(r.conditions?.[0]).toMatchObject({ success: true })
  })

  it('fails in phase tls when the STARTTLS certificate is not trusted', async () => {
    const r = await createSmtpChecker().run({
      monitor: monitorOf('smtp', { host: '127.0.0.1', port: starttls, starttls: true }),
      checkedAt: 1,
      policy: { allowPrivate: true },
      clock: systemClock,
    })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' }, tls: { authorized: false } })
  })

  it('fails in phase tls when STARTTLS is not offered', async () => {
    const r = await check({ port: plain, starttls: true })
    expect(r).toMatchObject({
      status: 'down',
      failure: { phase: 'tls', message: 'the server does not offer STARTTLS' },
    })
  })

  it('speaks implicit TLS (SMTPS)', async () => {
    const r = await check({ port: implicit, implicit_tls: true })
    expect(r).toMatchObject({ status: 'up', tls: { authorized: true }, details: { tls: 'implicit' } })
  })

  it('is down on a banner that is not 220', async () => {
    const r = await check({ port: rude.port })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toBe('unexpected SMTP banner: 554 mx.test no service here')
  })

  it('is down with phase timeout when nothing answers', async () => {
    const silent = await startTcp(() => {})
    try {
      const r = await check({ port: silent.port }, { timeout_seconds: 1 })
      expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' } })
    } finally {
      await silent.close()
    }
  })
})
