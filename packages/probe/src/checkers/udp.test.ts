import { createSocket, type Socket } from 'node:dgram'
import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitorOf } from '../../test/helpers/monitor.js'
import { createUdpChecker } from './udp.js'

const checker = createUdpChecker()
let echo: Socket
let silent: Socket
let closed: number
const port = (s: Socket) => s.address().port

async function bind(onMessage: (s: Socket, msg: Buffer, from: { address: string; port: number }) => void) {
  const s = createSocket('udp4')
  s.on('message', (msg, from) => onMessage(s, msg, from))
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
  return s
}

beforeAll(async () => {
  echo = await bind((s, msg, from) => s.send(Buffer.concat([Buffer.from('echo:'), msg]), from.port, from.address))
  silent = await bind(() => {})
  const gone = await bind(() => {})
  closed = port(gone)
  gone.close()
})
afterAll(() => {
  echo.close()
  silent.close()
})

const check = (settings: Record<string, unknown>, common: Parameters<typeof monitorOf>[2] = {}): Promise<CheckResult> =>
  checker.run({
    monitor: monitorOf('udp', { host: '127.0.0.1', ...settings }, { timeout_seconds: 1, ...common }),
    checkedAt: 1,
    policy: { allowPrivate: true },
    clock: systemClock,
  })

describe('udp checker', () => {
  it('is up on a reply, with [BODY] and [RESULT] = open', async () => {
    const r = await check(
      { port: port(echo), payload: 'ping' },
      { conditions: ['[RESULT] == open', '[BODY] == "echo:ping"'] },
    )
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1' })
    expect(r.details).toEqual({ result: 'open', reply: 'echo:ping', reply_bytes: 9 })
    expect(r.conditions?.every((c) => c.success)).toBe(true)
    expect(r.timings?.ttfb_ms).toBeGreaterThanOrEqual(0)
  })

  it('sends hex payloads and shows the reply as hex', async () => {
    const r = await check({ port: port(echo), payload: 'de ad be ef', payload_encoding: 'hex', expect: '^6563686f3a' })
    expect(r).toMatchObject({ status: 'up', details: { reply: '6563686f3adeadbeef', reply_bytes: 9 } })
  })

  it('is down when the reply does not match the expected regex', async () => {
    const r = await check({ port: port(echo), payload: 'x', expect: '^pong' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.conditions?.[0]).toMatchObject({ condition: '[BODY] == regex("^pong")', success: false, actual: 'echo:x' })
  })

  it('is down on ICMP port unreachable, with [RESULT] = closed', async () => {
    const r = await check({ port: closed }, { conditions: ['[RESULT] == closed'] })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'connect' }, details: { result: 'closed' } })
    expect(r.failure?.message).toContain('port unreachable')
    expect(r.conditions?.[0]?.success).toBe(true)
  })

  it('reports silence as open_filtered, down by default', async () => {
    const started = Date.now()
    const r = await check({ port: port(silent) })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' }, details: { result: 'open_filtered' } })
  })

  it('counts silence as up when silence_is_up', async () => {
    const r = await check({ port: port(silent), silence_is_up: true }, { conditions: ['[RESULT] == open_filtered'] })
    expect(r).toMatchObject({ status: 'up', details: { result: 'open_filtered' } })
    expect(r.failure).toBeUndefined()
    expect(r.conditions?.[0]?.success).toBe(true)
  })

  it('rejects an invalid hex payload as a config failure', async () => {
    const r = await check({ port: port(echo), payload: 'xyz', payload_encoding: 'hex' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'config' } })
  })

  it('refuses private targets on an external probe', async () => {
    const r = await checker.run({
      monitor: monitorOf('udp', { host: '127.0.0.1', port: port(echo) }),
      checkedAt: 1,
      policy: { allowPrivate: false },
      clock: systemClock,
    })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
  })
})
