import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/config.js'
import { serverMonitorsIdle, startServerMonitors } from '../src/modules/server-monitors/index.js'
import { watchdogBeat } from '../src/modules/watchdog/index.js'
import { createTestContext, registerProbe, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let root: TestUser
let receiver: Server
const hits: { path: string; ua: string }[] = []

beforeAll(async () => {
  receiver = createServer((req, res) => {
    hits.push({ path: req.url ?? '', ua: String(req.headers['user-agent']) })
    res.end('ok')
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const port = (receiver.address() as AddressInfo).port
  t = await createTestContext({
    WATCHDOG_URL: `http://127.0.0.1:${port}/ping/whatisup`,
    WATCHDOG_INTERVAL_SECONDS: '30',
    ACCESS_TOKEN_EXPIRE_MINUTES: '1440',
  })
  root = await t.createUser({ username: 'root', superadmin: true })
})
afterAll(async () => {
  await t.close()
  await new Promise((r) => receiver.close(r))
})

const status = async () => (await t.app.inject({ url: '/api/v1/status/monitoring' })).json()
const beat = (key: string, health: object = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/heartbeat',
    headers: { 'x-probe-api-key': key },
    payload: { health },
  })

describe('monitoring degraded: GET /status/monitoring', () => {
  it('is public and says ok when the database answers and no probe is offline or lagging', async () => {
    expect(await status()).toMatchObject({
      status: 'ok',
      database: 'ok',
      probes: { total: 0, offline: 0, lagging: 0 },
      reasons: [],
    })
  })

  it('is degraded while a probe lags (late heartbeats, or checks starting late) or is offline', async () => {
    const p = await registerProbe(t, root, 'paris-1')
    await beat(p.api_key, { lag_p99_ms: 40 })
    expect((await status()).status).toBe('ok')
    await beat(p.api_key, { lag_p99_ms: 25_000 })
    expect(await status()).toMatchObject({
      status: 'degraded',
      probes: { total: 1, lagging: 1 },
      reasons: ['probes_lagging'],
    })
    await beat(p.api_key, { lag_p99_ms: 40 })
    t.clock.advance(100_000)
    expect((await status()).reasons).toEqual(['probes_lagging'])
    t.clock.advance(30_000)
    expect(await status()).toMatchObject({
      status: 'degraded',
      probes: { offline: 1, lagging: 0 },
      reasons: ['probes_offline'],
    })
    await beat(p.api_key)
    expect((await status()).status).toBe('ok')
    // A revoked probe does not count.
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/probes/${p.id}`,
      headers: root.auth,
      payload: { is_active: false },
    })
    t.clock.advance(600_000)
    expect(await status()).toMatchObject({ status: 'ok', probes: { total: 0 } })
  })
})

describe('watch the watcher: the outbound dead-man’s switch', () => {
  it('GETs WATCHDOG_URL every interval while healthy, and stops while monitoring is degraded', async () => {
    const p = await registerProbe(t, root, 'lyon-1')
    await beat(p.api_key)
    const stop = startServerMonitors(t.deps)
    const step = async (ms: number) => {
      t.clock.advance(ms)
      await serverMonitorsIdle(t.deps)
    }
    await step(0)
    expect(hits).toEqual([{ path: '/ping/whatisup', ua: expect.stringMatching(/^WhatIsUp\/.+ watchdog$/) }])
    await beat(p.api_key)
    await step(30_000)
    expect(hits).toHaveLength(2)
    // The probe goes silent: once it is offline the switch stops, so the outside notices.
    await step(30_000)
    await step(30_000)
    await step(30_000)
    await step(30_000)
    const whileHealthy = hits.length
    await step(30_000)
    await step(30_000)
    expect(hits).toHaveLength(whileHealthy)
    expect((await status()).status).toBe('degraded')
    await beat(p.api_key)
    await step(30_000)
    expect(hits).toHaveLength(whileHealthy + 1)
    stop()
    await step(120_000)
    expect(hits).toHaveLength(whileHealthy + 1)
  })

  it('does nothing without a URL; the URL must be http(s), empty means unset', async () => {
    const plain = await createTestContext()
    try {
      expect(await watchdogBeat(plain.deps)).toBe('skipped')
    } finally {
      await plain.close()
    }
    const base = { SECRET_KEY: 'a'.repeat(40) }
    expect(() => loadConfig({ ...base, WATCHDOG_URL: 'ftp://example.com/x' })).toThrow(ConfigError)
    expect(() => loadConfig({ ...base, WATCHDOG_URL: 'ftp://example.com/x' })).toThrow(/WATCHDOG_URL/)
    expect(loadConfig({ ...base, WATCHDOG_URL: '' }).WATCHDOG_URL).toBeUndefined()
    expect(() => loadConfig({ ...base, WATCHDOG_INTERVAL_SECONDS: '5' })).toThrow(/WATCHDOG_INTERVAL_SECONDS/)
  })
})
