import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitorOf } from '../../test/helpers/monitor.js'
import { createPingChecker, pingArgs } from './ping.js'
import { parsePingOutput } from './ping-output.js'

const run = (
  checker: ReturnType<typeof createPingChecker>,
  settings: Record<string, unknown>,
  allowPrivate = true,
): Promise<CheckResult> =>
  checker.run({
    monitor: monitorOf('ping', { host: '127.0.0.1', ...settings }, { timeout_seconds: 3 }),
    checkedAt: 1,
    policy: { allowPrivate },
    clock: systemClock,
  })

const SUMMARY = {
  partial:
    '--- 192.0.2.9 ping statistics ---\n3 packets transmitted, 2 received, 33.3333% packet loss, time 402ms\nrtt min/avg/max/mdev = 1.100/2.200/3.300/0.900 ms\n',
  none: '--- 192.0.2.9 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2043ms\n',
}

let dir: string
/** A stand-in `ping` printing a canned summary: loss cannot be produced on demand on loopback. */
async function fakePing(output: string, exitCode: number): Promise<string> {
  const path = join(dir, `ping-${exitCode}-${output.length}`)
  await writeFile(path, `#!/bin/sh\nprintf '%s' '${output}'\nexit ${exitCode}\n`)
  await chmod(path, 0o755)
  return path
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wiu-ping-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('ping checker (system ping against 127.0.0.1)', () => {
  it('is up with loss, RTTs and the average RTT as latency', async () => {
    const r = await run(createPingChecker(), { count: 2 })
    expect(r).toMatchObject({
      status: 'up',
      remote_address: '127.0.0.1',
      details: { address: '127.0.0.1', transmitted: 2, received: 2, packet_loss: 0 },
    })
    expect(r.details?.rtt_avg).toBeGreaterThan(0)
    expect(r.latency_ms).toBeCloseTo(r.details?.rtt_avg as number, 1)
  })

  it('feeds [PACKET_LOSS], [RTT_AVG] and [RTT_MAX] to conditions', async () => {
    const checker = createPingChecker()
    const r = await checker.run({
      monitor: monitorOf(
        'ping',
        { host: '127.0.0.1', count: 1 },
        { conditions: ['[PACKET_LOSS] == 0', '[RTT_AVG] < 100', '[RTT_MAX] > 1000 ~degraded'] },
      ),
      checkedAt: 1,
      policy: { allowPrivate: true },
      clock: systemClock,
    })
    expect(r.conditions?.map((c) => c.success)).toEqual([true, true, false])
    expect(r).toMatchObject({ status: 'degraded', failure: { phase: 'assertion' } })
  })

  it('refuses loopback on an external probe without running ping', async () => {
    const r = await run(createPingChecker({ pingPath: '/nonexistent/ping' }), {}, false)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
  })
})

describe('ping checker verdicts', () => {
  it('is degraded on partial loss at or above the threshold, up below it', async () => {
    const pingPath = await fakePing(SUMMARY.partial, 1)
    const r = await run(createPingChecker({ pingPath }), { degraded_loss_percent: 20 })
    expect(r).toMatchObject({
      status: 'degraded',
      failure: { phase: 'response', message: '33.33% packet loss (1 of 3 lost)' },
      latency_ms: 2.2,
      details: { transmitted: 3, received: 2, packet_loss: 33.3333, rtt_min: 1.1, rtt_max: 3.3, rtt_mdev: 0.9 },
    })
    expect((await run(createPingChecker({ pingPath }), { degraded_loss_percent: 50 })).status).toBe('up')
  })

  it('is down on 100 % loss', async () => {
    const pingPath = await fakePing(SUMMARY.none, 1)
    const r = await run(createPingChecker({ pingPath }), {})
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'connect' }, details: { packet_loss: 100 } })
    expect(r.failure?.message).toContain('100% packet loss (3 of 3 lost)')
  })

  it('kills a ping that outlives the deadline and reports phase timeout', async () => {
    const pingPath = join(dir, 'ping-hang')
    await writeFile(pingPath, '#!/bin/sh\nexec sleep 30\n')
    await chmod(pingPath, 0o755)
    const started = Date.now()
    const r = await createPingChecker({ pingPath }).run({
      monitor: monitorOf('ping', { host: '127.0.0.1' }, { timeout_seconds: 1 }),
      checkedAt: 1,
      policy: { allowPrivate: true },
      clock: systemClock,
    })
    expect(Date.now() - started).toBeLessThan(1500)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' } })
  })

  it('reports a missing ping binary as a config failure', async () => {
    const r = await run(createPingChecker({ pingPath: join(dir, 'missing') }), {})
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'config' } })
  })

  it('builds arguments with the family, count and a per-reply wait inside the deadline', () => {
    const m = monitorOf('ping', { host: 'example.com', count: 3 }, { timeout_seconds: 5 })
    expect(pingArgs(m, '2001:db8::1')).toEqual(['-6', '-n', '-c', '3', '-i', '0.2', '-W', '4.3', '2001:db8::1'])
    expect(pingArgs({ ...m, timeout_seconds: 1 }, '192.0.2.1')).toContain('0.3')
  })

  it.each([
    ['iputils', SUMMARY.partial, { transmitted: 3, received: 2, loss: 33.3333, rttAvg: 2.2 }],
    ['iputils, no reply', SUMMARY.none, { transmitted: 3, received: 0, loss: 100 }],
    [
      'busybox',
      '2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min/avg/max = 0.1/0.2/0.3 ms',
      { transmitted: 2, received: 2, loss: 0, rttMin: 0.1, rttAvg: 0.2, rttMax: 0.3 },
    ],
  ])('parses %s output', (_name, text, expected) => {
    expect(parsePingOutput(text)).toMatchObject(expected)
  })

  it('returns null when ping printed no summary', () => {
    expect(parsePingOutput('ping: unknown host')).toBeNull()
  })
})
