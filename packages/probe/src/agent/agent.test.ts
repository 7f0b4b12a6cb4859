import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { type Receiver, startReceiver, until } from '../../test/helpers/receiver.js'
import { captureLogger } from '../../test/helpers/results.js'
import { startHttp } from '../../test/helpers/servers.js'
import { createCheckers } from '../checkers/index.js'
import type { Checker, CheckerRegistry } from '../checkers/types.js'
import type { ProbeConfig } from '../config.js'
import { type ProbeAgent, startAgent } from './agent.js'

let dir: string
let receiver: Receiver
const agents: ProbeAgent[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wiu-agent-'))
  receiver = await startReceiver()
})
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()))
  await receiver.close()
  await rm(dir, { recursive: true, force: true })
})

/** A checker that records what it ran; `latency_ms` carries the global production order. */
function recordingChecker() {
  const produced: Array<{ monitor: string; checkedAt: number }> = []
  const checker: Checker = {
    run: async ({ monitor: m, checkedAt }) => {
      produced.push({ monitor: m.id, checkedAt })
      return { monitor_id: m.id, checked_at: checkedAt, status: 'up', latency_ms: produced.length - 1 }
    },
  }
  return { produced, checkers: { http: checker } satisfies Partial<CheckerRegistry> }
}

async function start(checkers: Partial<CheckerRegistry>, overrides: Partial<ProbeConfig> = {}) {
  const { log, lines } = captureLogger()
  const config: ProbeConfig = {
    centralApiUrl: receiver.url,
    probeApiKey: 'wiu_test',
    dataDir: dir,
    maxConcurrentChecks: 1,
    maxConcurrentScenarios: 2,
    heartbeatIntervalMs: 50,
    resultFlushMs: 20,
    bufferMaxBytes: 1 << 20,
    logLevel: 'debug',
    allowNetworks: [],
    ...overrides,
  }
  const agent = await startAgent({ config, checkers, logger: log, stopGraceMs: 2000 })
  agents.push(agent)
  return { agent, lines }
}

describe('probe agent', () => {
  it('pulls its assignment at once, reconciles changes and keeps the schedule when heartbeats fail', async () => {
    receiver.monitors = [monitor({ id: 'a', interval_seconds: 3600 }), monitor({ id: 'b', interval_seconds: 3600 })]
    const { produced, checkers } = recordingChecker()
    const { agent, lines } = await start(checkers)
    await until(() => agent.stats().monitors === 2 && receiver.heartbeats.length >= 3)
    const [first, later] = [receiver.heartbeats[0]!, receiver.heartbeats[2]!]
    expect(first).toMatchObject({ protocol_version: 1, agent_version: '0.1.0' })
    expect(first.config_version).toBeUndefined()
    expect(later.config_version).toBe('v1')
    expect(later.health).toMatchObject({
      rss_bytes: expect.any(Number),
      monitors_active: 2,
      checks_running: 0,
      queue_depth: 0,
    })

    receiver.monitors = [monitor({ id: 'b', interval_seconds: 3600, url: 'http://127.0.0.1:2/' }), monitor({ id: 'c' })]
    receiver.configVersion = 'v2'
    await until(() => agent.stats().configVersion === 'v2')
    agent.checkNow('a')
    agent.checkNow('c')
    await until(() => produced.length === 1)
    expect(produced.map((p) => p.monitor)).toEqual(['c'])
    expect(
      lines.some((l) => l.msg === 'check now ignored: monitor not assigned to this probe' && l.monitor_id === 'a'),
    ).toBe(true)

    receiver.heartbeatStatus = 503
    await until(() => agent.stats().heartbeatFailures >= 2)
    expect(agent.stats().monitors).toBe(2)
    receiver.heartbeatStatus = 200
    await until(() => agent.stats().heartbeatFailures === 0)
  })

  it('reports its full health on every heartbeat', async () => {
    receiver.monitors = [monitor({ id: 'a', interval_seconds: 1 }), monitor({ id: 'b', interval_seconds: 1 })]
    const { checkers } = recordingChecker()
    const { agent } = await start(checkers)
    await until(() => agent.stats().checksCompleted >= 2 && receiver.heartbeats.length >= 2)
    const beats = receiver.heartbeats.length
    await until(() => receiver.heartbeats.length > beats)
    const health = receiver.heartbeats.at(-1)?.health
    expect(Object.keys(health ?? {}).sort()).toEqual([
      'buffered_results',
      'checks_per_second',
      'checks_running',
      'cpu_percent',
      'lag_p50_ms',
      'lag_p99_ms',
      'monitors_active',
      'queue_depth',
      'rss_bytes',
    ])
    expect(health).toMatchObject({ monitors_active: 2, rss_bytes: expect.any(Number) })
    expect(health?.checks_per_second).toBeGreaterThan(0)
    expect(health?.lag_p99_ms).toBeGreaterThanOrEqual(health?.lag_p50_ms ?? 0)
    const stats = agent.stats()
    expect(stats.results.up).toBe(stats.checksCompleted)
    expect(stats.lagHistogram.reduce((a, b) => a + b, 0)).toBe(stats.checksStarted)
  })

  it('reports a check that ignores its timeout as a timeout, 5 s after it (the backstop)', async () => {
    receiver.monitors = [monitor({ id: 'hung', interval_seconds: 3600, timeout_seconds: 1 })]
    const hung: Checker = { run: () => new Promise(() => {}) }
    const { agent, lines } = await start({ http: hung })
    await until(() => agent.stats().monitors === 1)
    agent.checkNow('hung')
    await until(() => receiver.stored.length === 1, 9000)
    expect(receiver.stored[0]).toMatchObject({ monitor_id: 'hung', status: 'down', failure: { phase: 'timeout' } })
    expect(receiver.stored[0]!.latency_ms).toBeGreaterThanOrEqual(6000)
    expect(agent.stats()).toMatchObject({ checksBackstopped: 1, checksRunning: 0 })
    expect(lines.some((l) => l.msg === 'checker ignored its timeout: the agent reported it')).toBe(true)
  }, 15_000)

  it('lets an external probe reach the networks in PROBE_ALLOW_NETWORKS, and only those', async () => {
    const target = await startHttp((_req, res) => res.end('ok'))
    try {
      receiver.monitors = [monitor({ id: 'lan', interval_seconds: 3600, url: `${target.url}/` })]
      const allowed = await start(createCheckers(), { allowNetworks: ['127.0.0.0/8'] })
      await until(() => allowed.agent.stats().monitors === 1)
      allowed.agent.checkNow('lan')
      await until(() => receiver.stored.length === 1)
      expect(receiver.stored[0]).toMatchObject({ monitor_id: 'lan', status: 'up' })
      await allowed.agent.stop()

      const guarded = await start(createCheckers(), { allowNetworks: ['10.0.0.0/8'] })
      await until(() => guarded.agent.stats().monitors === 1)
      guarded.agent.checkNow('lan')
      await until(() => receiver.stored.length === 2)
      expect(receiver.stored[1]).toMatchObject({ monitor_id: 'lan', status: 'down', failure: { phase: 'ssrf' } })
    } finally {
      await target.close()
    }
  })

  it('delivers every result exactly once, in order, with its original time, across an outage and a restart', async () => {
    receiver.monitors = [monitor({ id: 'a', interval_seconds: 3600 }), monitor({ id: 'b', interval_seconds: 3600 })]
    receiver.mode = 'reset'
    const { produced, checkers } = recordingChecker()
    const first = await start(checkers)
    await until(() => first.agent.stats().monitors === 2)
    for (let i = 0; i < 10; i++) {
      first.agent.checkNow(i % 2 ? 'a' : 'b')
      await new Promise((r) => setTimeout(r, 5))
    }
    await until(() => produced.length === 10 && first.agent.stats().bufferedResults > 0)
    await first.agent.stop()
    expect(receiver.stored).toHaveLength(0)
    const firstBoot = first.agent.stats().bootId

    // The server is back, but the answer to the first replayed batch gets lost: it is sent again.
    receiver.mode = 'ok'
    receiver.queue.push('lose-ack')
    const attemptsWhileDown = receiver.wire.length
    const second = await start(checkers)
    await until(() => second.agent.stats().monitors === 2)
    // One at a time: a check-now while one is running joins it instead of starting another.
    for (let i = 0; i < 5; i++) {
      second.agent.checkNow('a')
      await until(() => second.agent.stats().checksCompleted === i + 1)
    }
    await until(() => receiver.stored.length === 15)
    await second.agent.stop()

    expect(receiver.stored.map((r) => r.latency_ms)).toEqual(Array.from({ length: 15 }, (_, i) => i))
    expect(receiver.stored.map((r) => r.checked_at)).toEqual(produced.map((p) => p.checkedAt))
    const ids = receiver.wire.slice(attemptsWhileDown).map((b) => b.batch_id)
    expect(ids[0]).toBe(ids[1])
    expect(ids[0]?.startsWith(`${firstBoot}-`)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length - 1)
    expect(ids.filter((id) => id.startsWith(firstBoot)).length).toBeGreaterThan(1)
  })
})
