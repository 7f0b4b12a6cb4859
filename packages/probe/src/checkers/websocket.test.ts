import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import { monitorOf } from '../../test/helpers/monitor.js'
import { createWebsocketChecker } from './websocket.js'

let certs: TestCerts
let checker: ReturnType<typeof createWebsocketChecker>
const seen: IncomingHttpHeaders[] = []
let plain: Server
let secure: Server
const port = (s: Server) => (s.address() as AddressInfo).port

/** Echo server; `/nope` refuses the upgrade, `/quiet` never sends, `/greet` greets on connect. */
async function serve(server: Server): Promise<Server> {
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    seen.push(req.headers)
    if (req.url === '/nope') return socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n')
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {})
      if (req.url === '/greet') ws.send('hello there')
      if (req.url !== '/quiet') ws.on('message', (data) => setTimeout(() => ws.send(`echo:${data.toString()}`), 20))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

beforeAll(async () => {
  certs = await makeTestCerts()
  checker = createWebsocketChecker({ extraCa: [certs.ca] })
  plain = await serve(createHttpServer())
  secure = await serve(createHttpsServer({ key: certs.valid.key, cert: certs.valid.cert }))
}, 30_000)
afterAll(async () => {
  for (const s of [plain, secure]) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
  await certs.cleanup()
})

const check = (
  url: string,
  settings: Record<string, unknown> = {},
  common: Parameters<typeof monitorOf>[2] = {},
  using = checker,
): Promise<CheckResult> =>
  using.run({
    monitor: monitorOf('websocket', { url, ...settings }, common),
    checkedAt: 1,
    policy: { allowPrivate: true },
    clock: systemClock,
  })

describe('websocket checker', () => {
  it('is up after the upgrade, with timings and custom headers sent', async () => {
    seen.length = 0
    const r = await check(`ws://127.0.0.1:${port(plain)}/`, { custom_headers: { 'X-Token': 'abc' } })
    expect(r).toMatchObject({ status: 'up', http_status: 101, remote_address: '127.0.0.1' })
    expect(r.timings).toMatchObject({ connect_ms: expect.any(Number), ttfb_ms: expect.any(Number) })
    expect(seen[0]).toMatchObject({ 'x-token': 'abc', 'user-agent': 'WhatIsUp-Probe/0.1' })
  })

  it('sends a message and waits for the expected reply', async () => {
    const r = await check(`ws://127.0.0.1:${port(plain)}/`, { send: 'ping', expect: 'echo:ping' })
    expect(r).toMatchObject({ status: 'up', details: { reply: 'echo:ping', messages: 1 } })
    expect(r.conditions).toEqual([
      { condition: '[BODY] == contains("echo:ping")', success: true, actual: 'echo:ping', severity: 'down' },
    ])
    expect(r.timings?.transfer_ms).toBeGreaterThanOrEqual(15)
  })

  it('reads the first message for [BODY] conditions', async () => {
    const r = await check(`ws://127.0.0.1:${port(plain)}/greet`, {}, { conditions: ['[BODY] == pat(hello*)'] })
    expect(r).toMatchObject({ status: 'up', details: { reply: 'hello there' } })
  })

  it('is down with phase timeout when the expected reply never comes', async () => {
    const started = Date.now()
    const r = await check(`ws://127.0.0.1:${port(plain)}/quiet`, { send: 'x', expect: 'y' }, { timeout_seconds: 1 })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' }, http_status: 101 })
    expect(r.conditions?.[0]?.success).toBe(false)
  })

  it('is down with the status when the upgrade is refused', async () => {
    const r = await check(`ws://127.0.0.1:${port(plain)}/nope`, {}, { conditions: ['[STATUS] == 404'] })
    expect(r).toMatchObject({ status: 'down', http_status: 404, failure: { phase: 'response' } })
    expect(r.failure?.message).toBe('upgrade refused: HTTP 404')
    expect(r.conditions?.[0]?.success).toBe(true)
  })

  it('speaks wss with certificate facts', async () => {
    const r = await check(`wss://127.0.0.1:${port(secure)}/`, { send: 'a', expect: 'echo:a' })
    expect(r).toMatchObject({ status: 'up', tls: { subject: 'valid', authorized: true } })
    expect(r.timings?.tls_ms).toBeGreaterThanOrEqual(0)
  })

  it('fails on an untrusted certificate unless told to ignore TLS errors', async () => {
    const url = `wss://127.0.0.1:${port(secure)}/`
    const untrusting = createWebsocketChecker()
    expect(await check(url, {}, {}, untrusting)).toMatchObject({ status: 'down', failure: { phase: 'tls' } })
    const r = await check(url, { ignore_tls_errors: true }, {}, untrusting)
    expect(r).toMatchObject({ status: 'up', tls: { authorized: false } })
  })

  it('refuses private targets on an external probe', async () => {
    const r = await checker.run({
      monitor: monitorOf('websocket', { url: `ws://127.0.0.1:${port(plain)}/` }),
      checkedAt: 1,
      policy: { allowPrivate: false },
      clock: systemClock,
    })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
  })
})
