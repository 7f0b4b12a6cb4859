import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CheckResult } from '@whatisup/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { type Receiver, startReceiver, until } from '../../test/helpers/receiver.js'
import { captureLogger } from '../../test/helpers/results.js'
import type { Checker } from '../checkers/types.js'
import type { ProbeConfig } from '../config.js'
import { type ProbeAgent, startAgent } from './agent.js'

let dir: string
let receiver: Receiver
const agents: ProbeAgent[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wiu-commands-'))
  receiver = await startReceiver()
})
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()))
  await receiver.close()
  await rm(dir, { recursive: true, force: true })
})

/** Checks take `ms` of real time; `produced` records them in order. */
function slowChecker(ms = 0) {
  const produced: string[] = []
  const checker: Checker = {
    run: async ({ monitor: m, checkedAt }): Promise<CheckResult> => {
      produced.push(m.id)
      await new Promise((r) => setTimeout(r, ms))
      return { monitor_id: m.id, checked_at: checkedAt, status: 'up', latency_ms: ms }
    },
  }
  return { produced, checker }
}

async function start(checker: Checker, overrides: Partial<ProbeConfig> = {}) {
  const { log, lines } = captureLogger()
  const config: ProbeConfig = {
    centralApiUrl: receiver.url,
    probeApiKey: 'wiu_test',
    dataDir: dir,
    maxConcurrentChecks: 10,
    maxConcurrentScenarios: 2,
    // Far apart: whatever happens quickly below is the push channel's doing, not a heartbeat's.
    heartbeatIntervalMs: 60_000,
    // A scheduled result would wait this long; a check-now result must not.
    resultFlushMs: 30_000,
    bufferMaxBytes: 1 << 20,
    logLevel: 'debug',
    allowNetworks: [],
    ...overrides,
  }
  const agent = await startAgent({ config, checkers: { http: checker }, logger: log, commandWaitSeconds: 2 })
  agents.push(agent)
  return { agent, lines }
}

describe('probe agent: server commands', () => {
  it('check_now runs the monitor and delivers its result at once, without waiting for the flush', async () => {
    receiver.monitors = [monitor({ id: 'a', interval_seconds: 3600 })]
    const { produced, checker } = slowChecker()
    const { agent } = await start(checker)
    await until(() => agent.stats().monitors === 1 && receiver.commandPolls > 0)
    const asked = Date.now()
    receiver.push({ type: 'check_now', monitor_id: 'a', request_id: 'r1' })
    await until(() => receiver.stored.length === 1, 2000)
    expect(Date.now() - asked).toBeLessThan(1000)
    expect(produced).toEqual(['a'])
  })

  it('coalesces repeated check_now for a monitor whose check is still running', async () => {
    receiver.monitors = [monitor({ id: 'a', interval_seconds: 3600 })]
    const { produced, checker } = slowChecker(300)
    const { agent } = await start(checker)
    await until(() => agent.stats().monitors === 1 && receiver.commandPolls > 0)
    receiver.push({ type: 'check_now', monitor_id: 'a', request_id: 'r1' })
    await until(() => produced.length === 1)
    receiver.push(
      { type: 'check_now', monitor_id: 'a', request_id: 'r2' },
      { type: 'check_now', monitor_id: 'a', request_id: 'r3' },
    )
    await until(() => receiver.stored.length === 1)
    await new Promise((r) => setTimeout(r, 100))
    expect(produced).toEqual(['a'])
    expect(agent.stats().checksStarted).toBe(1)
  })

  it('config_changed pulls the assignment at once; a check_now that arrived first waits for it', async () => {
    receiver.monitors = [monitor({ id: 'a', interval_seconds: 3600 })]
    const { produced, checker } = slowChecker()
    const { agent } = await start(checker)
    await until(() => agent.stats().monitors === 1 && receiver.commandPolls > 0)
    const beats = receiver.heartbeats.length

    // The server created a monitor and a user asked to check it before this probe heard of it.
    receiver.monitors = [...receiver.monitors, monitor({ id: 'new', interval_seconds: 3600 })]
    receiver.configVersion = 'v2'
    receiver.push({ type: 'check_now', monitor_id: 'new', request_id: 'r1' }, { type: 'config_changed' })
    await until(() => receiver.stored.some((r) => r.monitor_id === 'new'), 2000)
    expect(agent.stats()).toMatchObject({ monitors: 2, configVersion: 'v2' })
    expect(receiver.heartbeats.length - beats).toBeLessThanOrEqual(2)
    expect(produced).toEqual(['new'])
  })

  it('skips commands it does not know, and keeps polling through server errors', async () => {
    receiver.monitors = [monitor({ id: 'a', interval_seconds: 3600 })]
    const { produced, checker } = slowChecker()
    const { agent, lines } = await start(checker)
    await until(() => agent.stats().monitors === 1 && receiver.commandPolls > 0)
    receiver.commandStatus = 503
    const before = receiver.commandPolls
    receiver.push({ type: 'config_changed' }) // answers the poll in flight; the next ones fail
    await until(() => receiver.commandPolls >= before + 2, 8000)
    expect(lines.filter((l) => l.msg === 'command channel refused' && l.level === 'warn')).toHaveLength(1)
    receiver.commandStatus = 200
    // An unknown command from a newer server next to a known one: the known one still runs.
    receiver.push({ type: 'reboot' } as never, { type: 'check_now', monitor_id: 'a', request_id: 'r9' })
    await until(() => produced.length === 1, 8000)
    expect(lines.some((l) => l.msg === 'command channel open again')).toBe(true)
    expect(lines.some((l) => l.msg === 'unknown command skipped' && l.type === 'reboot')).toBe(true)
  })

  it('stops promptly while a poll is held open', async () => {
    receiver.monitors = []
    const { checker } = slowChecker()
    const { agent } = await start(checker)
    await until(() => receiver.commandPolls > 0)
    const started = Date.now()
    await agent.stop()
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
