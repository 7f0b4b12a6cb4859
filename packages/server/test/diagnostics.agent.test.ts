import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadProbeConfig, type ProbeAgent, startAgent } from '@whatisup/probe'
import { type IncidentDiagnosticsDto, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, registerProbe, type TestContext, type TestUser } from './helpers.js'

/**
 * End to end on the real clock: a real probe agent talking HTTP to a real server checks a real
 * target; when the target fails, the incident opens, the server pushes `diagnose` over the
 * agent's long-poll, the agent runs its collectors against the target and uploads them.
 */
let t: TestContext
let alice: TestUser
let agent: ProbeAgent
let target: Server
let targetUrl = ''
let up = true
const dirs: string[] = []

beforeAll(async () => {
  t = await createTestContext({ PROBE_HEARTBEAT_SECONDS: '1' }, { clock: systemClock })
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  const admin = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  target = createServer((_req, res) => {
    res.writeHead(up ? 200 : 503, { 'x-served-by': 'test-target' })
    res.end(up ? 'ok' : 'unavailable')
  })
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r))
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`
  // An internal probe: its network policy lets it reach (and diagnose) 127.0.0.1.
  const probe = await registerProbe(t, admin, 'lan-1', { network_type: 'internal' })
  const dir = mkdtempSync(join(tmpdir(), 'wiu-diag-agent-'))
  dirs.push(dir)
  agent = await startAgent({
    config: loadProbeConfig({
      CENTRAL_API_URL: base,
      PROBE_API_KEY: probe.api_key,
      PROBE_DATA_DIR: dir,
      RESULT_FLUSH_MS: '20',
      HEARTBEAT_INTERVAL: '1',
      LOG_LEVEL: 'error',
    }),
  })
}, 60_000)

afterAll(async () => {
  await agent?.stop()
  await t.close()
  target.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await read()
    if (ok(v)) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('a real agent and diagnostics', () => {
  it('receives diagnose when the incident opens, runs the collectors and uploads them', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitors',
      headers: alice.auth,
      payload: { name: 'lan app', url: targetUrl, interval_seconds: 3600, timeout_seconds: 5 },
    })
    const monitorId = created.json().id as string
    await waitFor(
      async () => agent.stats().monitors,
      (n) => n === 1,
      'the assignment',
    )

    up = false
    const incidents = async () =>
      (
        (await t.app.inject({ url: '/api/v1/incidents?resolved=false', headers: alice.auth })).json() as {
          id: string
          monitor_id: string
        }[]
      ).filter((i) => i.monitor_id === monitorId)
    // Two failing checks: the default failure threshold.
    for (let i = 0; i < 2; i++) {
      agent.checkNow(monitorId)
      await new Promise((r) => setTimeout(r, 300))
    }
    const [incident] = await waitFor(incidents, (l) => l.length === 1, 'the incident')

    const read = async () =>
      (
        await t.app.inject({ url: `/api/v1/incidents/${incident?.id}/diagnostics`, headers: alice.auth })
      ).json() as IncidentDiagnosticsDto
    const d = await waitFor(read, (x) => x.probes[0]?.state === 'complete', 'the uploaded diagnostics')
    const [probe] = d.probes
    expect(probe).toMatchObject({ probe_name: 'lan-1', kinds: ['traceroute', 'dns', 'ping', 'http'] })
    const results = Object.fromEntries((probe?.results ?? []).map((r) => [r.kind, r]))
    expect(Object.keys(results).sort()).toEqual(['dns', 'http', 'ping', 'traceroute'])
    expect(results.http?.payload).toMatchObject({
      address: '127.0.0.1',
      status_code: 503,
      headers: expect.arrayContaining([['x-served-by', 'test-target']]),
    })
    expect(results.ping?.payload).toMatchObject({ address: '127.0.0.1', transmitted: 5, received: 5 })
    // Installed (traceroute/tracepath) or not, the collector answered without sinking the others.
    expect(results.traceroute?.error === null || results.traceroute?.error === 'binary_missing:traceroute').toBe(true)
    for (const r of probe?.results ?? []) expect(r.duration_ms).toBeLessThan(10_500)
  }, 60_000)
})
