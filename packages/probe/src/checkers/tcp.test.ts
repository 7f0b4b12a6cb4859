import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import { monitorOf } from '../../test/helpers/monitor.js'
import { closedPort, type Running, startTcp, startTls } from '../../test/helpers/servers.js'
import { createTcpChecker } from './tcp.js'

let certs: TestCerts
let echo: Running
let banner: Running
let slowBanner: Running
let tls: Running
let checker: ReturnType<typeof createTcpChecker>

beforeAll(async () => {
  certs = await makeTestCerts()
  checker = createTcpChecker({ extraCa: [certs.ca] })
  // Echoes in two packets, the second 50 ms later: a match straddling both must still be found.
  echo = await startTcp((s) =>
    s.on('data', (d: Buffer) => {
      const text = d.toString()
      s.write(text.slice(0, 3))
      setTimeout(() => s.write(`${text.slice(3)}`), 50)
    }),
  )
  banner = await startTcp((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'))
  slowBanner = await startTcp((s) => s.write('hello '))
  tls = await startTls(certs.valid, (s) => s.write('* OK IMAP ready\r\n'))
}, 30_000)
afterAll(async () => {
  await Promise.all([echo, banner, slowBanner, tls].map((s) => s.close()))
  await certs.cleanup()
})

const check = (
  settings: Record<string, unknown>,
  common: Parameters<typeof monitorOf>[2] = {},
  allowPrivate = true,
): Promise<CheckResult> =>
  checker.run({
    monitor: monitorOf('tcp', { host: '127.0.0.1', ...settings }, common),
    checkedAt: 1,
    policy: { allowPrivate },
    clock: systemClock,
  })

describe('tcp checker', () => {
  it('is up when the port accepts, with connect timing and the address', async () => {
    const r = await check({ port: banner.port })
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1', monitor_id: 'm1', checked_at: 1 })
    expect(r.timings?.connect_ms).toBeGreaterThanOrEqual(0)
    expect(r.failure).toBeUndefined()
    expect(r.details).toBeUndefined()
  })

  it('is down in phase connect when the port is closed, and [CONNECTED] is false', async () => {
    const r = await check({ port: await closedPort() }, { conditions: ['[CONNECTED] == true'] })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'connect' } })
    expect(r.failure?.message).toContain('ECONNREFUSED')
    expect(r.conditions).toEqual([
      { condition: '[CONNECTED] == true', success: false, actual: 'false', severity: 'down' },
    ])
  })

  it('sends, reads until the expected text arrives across packets, and exposes the reply', async () => {
    const r = await check({ port: echo.port, send: 'PING hello', expect: 'hello' })
    expect(r).toMatchObject({ status: 'up', details: { reply: 'PING hello', reply_bytes: 10 } })
    expect(r.conditions).toEqual([
      { condition: '[BODY] == contains("hello")', success: true, actual: 'PING hello', severity: 'down' },
    ])
    expect(r.timings?.ttfb_ms).toBeGreaterThanOrEqual(0)
    expect(r.timings?.transfer_ms).toBeGreaterThanOrEqual(40)
  })

  it('reads a banner for [BODY] conditions without send or expect', async () => {
    const r = await check({ port: banner.port }, { conditions: ['[BODY] == pat(SSH-2.0-*)', '[IP] == 127.0.0.1'] })
    expect(r.status).toBe('up')
    expect(r.conditions?.map((c) => c.success)).toEqual([true, true])
  })

  it('is down when the peer closes without the expected text', async () => {
    const r = await check({ port: banner.port, expect: 'SMTP' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.failure?.message).toContain('[BODY] == contains("SMTP") failed')
    expect(r.details?.reply).toContain('SSH-2.0')
  })

  it('times out waiting for the expected text, reporting what did arrive', async () => {
    const started = Date.now()
    const r = await check({ port: slowBanner.port, expect: 'ready' }, { timeout_seconds: 1 })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' }, details: { reply: 'hello ' } })
    expect(r.failure?.message).toContain('"ready"')
    expect(r.conditions?.[0]).toMatchObject({ success: false, actual: 'hello ' })
  })

  it('speaks TLS, verifying and reporting the certificate', async () => {
    const r = await check({ port: tls.port, tls: true, expect: 'OK' })
    expect(r).toMatchObject({ status: 'up', tls: { subject: 'valid', authorized: true } })
    expect(r.timings?.tls_ms).toBeGreaterThanOrEqual(0)
    expect(r.details).toMatchObject({ tls_chain: { length: 2, self_signed: false, hostname_mismatch: false } })
    expect(r.details?.reply).toBe('* OK IMAP ready\r\n')
  })

  it('fails TLS against an untrusted certificate in phase tls', async () => {
    const r = await createTcpChecker().run({
      monitor: monitorOf('tcp', { host: '127.0.0.1', port: tls.port, tls: true }),
      checkedAt: 1,
      policy: { allowPrivate: true },
      clock: systemClock,
    })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' }, tls: { authorized: false } })
  })

  it('refuses private targets on an external probe', async () => {
    const r = await check({ port: banner.port }, {}, false)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
    expect(r.remote_address).toBeUndefined()
  })

  it('honours ip_family: IPv6 only finds no address for an IPv4 literal', async () => {
    const r = await check({ port: banner.port, ip_family: 'ipv6' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'config' } })
  })
})
