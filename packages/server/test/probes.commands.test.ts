import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ProbeAgent, startAgent } from '@whatisup/probe'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/config.js'
import { createDeps } from '../src/core/create-deps.js'
import type { Deps } from '../src/core/deps.js'
import { newId } from '../src/core/ids.js'
import { hashPassword } from '../src/modules/auth/index.js'
import { commandHub, MemoryCommandHub } from '../src/modules/probes/command-hub.js'
import { requestChecks } from '../src/modules/probes/index.js'
import { freshDatabaseUrl } from './helpers.js'

/**
 * End to end in one process, on the real clock: the server listening on 127.0.0.1, a real probe
 * agent talking HTTP to it, and a real target. Heartbeats are 30 s apart, so anything that happens
 * within a second here went through the push channel.
 */
let app: App
let deps: Deps
let baseUrl: string
let agent: ProbeAgent
let probeId: string
let target: { server: Server; url: string; hits: Map<string, number> }
let cleanup: Array<() => Promise<void> | void> = []
const auth: Record<string, { authorization: string }> = {}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wiu-cmd-'))
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }))
  const config = loadConfig({
    ENVIRONMENT: 'test',
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    EMBEDDED_PROBE: 'false',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    PROBE_HEARTBEAT_SECONDS: '30',
    WEB_DIST_DIR: join(dataDir, 'no-web'),
  })
  const db = await freshDatabaseUrl(dataDir)
  cleanup.unshift(db.drop)
  deps = await createDeps(config, { log: pino({ level: 'silent' }), databaseUrl: db.url })
  cleanup.unshift(() => deps.database.close())
  app = await buildApp(deps)
  await app.listen({ host: '127.0.0.1', port: 0 })
  cleanup.unshift(() => app.close())
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  auth.root = await login('root', true)
  auth.alice = await login('alice', false)
  target = await startTarget()
  cleanup.unshift(() => new Promise<void>((r) => target.server.close(() => r())))

  const probe = await api('POST', '/api/v1/probes/register', 'root', { name: 'lan', network_type: 'internal' })
  probeId = probe.body.id as string
  await api('POST', '/api/v1/monitors', 'root', monitorBody('first'))
  agent = await startAgent({
    config: {
      centralApiUrl: baseUrl,
      probeApiKey: probe.body.api_key as string,
      dataDir: join(dataDir, 'probe'),
      maxConcurrentChecks: 50,
      maxConcurrentScenarios: 2,
      heartbeatIntervalMs: 30_000,
      resultFlushMs: 1000,
      bufferMaxBytes: 1 << 20,
      logLevel: 'silent',
      allowNetworks: [],
    },
  })
  cleanup.unshift(() => agent.stop())
  await until(() => agent.stats().monitors === 1 && waitingPolls() > 0)
})

afterAll(async () => {
  for (const step of cleanup) await step()
  cleanup = []
})

describe('push channel to probes', () => {
  it('trigger-check: the result comes back within a second', async () => {
    const [monitor] = await monitorsOf('root')
    const id = monitor!.id
    const recorded = resultRecorded(id)
    const started = performance.now()
    const res = await api('POST', `/api/v1/monitors/${id}/trigger-check`, 'root')
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ status: 'queued', probes: 1 })
    await recorded
    const elapsed = performance.now() - started
    console.log(`trigger-check → result stored: ${elapsed.toFixed(0)} ms`)
    expect(elapsed).toBeLessThan(1500)
    expect(target.hits.get('/first')).toBe(1)
  })

  it('a new monitor reaches the probe at once, not at the next heartbeat, and can be checked now', async () => {
    const seen = heartbeatsSeen()
    const started = performance.now()
    const created = await api('POST', '/api/v1/monitors', 'root', monitorBody('second'))
    await until(() => agent.stats().monitors === 2, 5000)
    const learnt = performance.now() - started
    console.log(`monitor created → in the probe's schedule: ${learnt.toFixed(0)} ms`)
    expect(learnt).toBeLessThan(1500)
    expect(seen.count()).toBeLessThanOrEqual(2)

    const recorded = resultRecorded(created.body.id as string)
    const asked = performance.now()
    expect((await api('POST', `/api/v1/monitors/${created.body.id}/trigger-check`, 'root')).status).toBe(202)
    await recorded
    console.log(`trigger-check on the new monitor → result stored: ${(performance.now() - asked).toFixed(0)} ms`)
    expect(performance.now() - asked).toBeLessThan(1500)
    seen.stop()
  })

  it('pausing and deleting take the monitor off the probe at once', async () => {
    const [, second] = await monitorsOf('root')
    await api('POST', `/api/v1/monitors/${second!.id}/pause`, 'root')
    await until(() => agent.stats().monitors === 1, 1500)
    const paused = await api('POST', `/api/v1/monitors/${second!.id}/trigger-check`, 'root')
    expect(paused.body.code).toBe('CONFLICT')
    await api('DELETE', `/api/v1/monitors/${second!.id}`, 'root')
    await until(() => waitingPolls() > 0)
    expect(agent.stats().monitors).toBe(1)
  })

  it('is authorized through the monitor, and rate-limited per user', async () => {
    const [monitor] = await monitorsOf('root')
    const foreign = await api('POST', `/api/v1/monitors/${monitor!.id}/trigger-check`, 'alice')
    expect(foreign.status).toBe(404)
    expect((await api('POST', '/api/v1/monitors/nope/trigger-check')).status).toBe(401)
    const own = await api('POST', '/api/v1/monitors', 'alice', monitorBody('alice'))
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      statuses.push((await api('POST', `/api/v1/monitors/${own.body.id}/trigger-check`, 'alice')).status)
    }
    // Alice's one refused attempt above counted too: her 10th request in the minute is the last accepted.
    expect(statuses.filter((s) => s === 202)).toHaveLength(9)
    const limited = await api('POST', `/api/v1/monitors/${own.body.id}/trigger-check`, 'alice')
    expect(limited.status).toBe(429)
    expect(limited.body.code).toBe('RATE_LIMITED')
  })

  it('requestChecks (for the incident engine) asks only the named, assigned, online probes', async () => {
    const [monitor] = await monitorsOf('root')
    expect((await requestChecks(deps, monitor!.id, ['someone-else'])).probeIds).toEqual([])
    expect((await requestChecks(deps, 'no-such-monitor')).probeIds).toEqual([])
    const recorded = resultRecorded(monitor!.id)
    expect((await requestChecks(deps, monitor!.id, [probeId])).probeIds).toEqual([probeId])
    await recorded
  })

  it('refuses a command poll without a valid probe key', async () => {
    const res = await fetch(`${baseUrl}/api/v1/probes/commands?wait=0`, { headers: { 'x-probe-api-key': 'wiu_nope' } })
    expect(res.status).toBe(401)
    const bad = await fetch(`${baseUrl}/api/v1/probes/commands?wait=600`, { headers: { 'x-probe-api-key': 'wiu_x' } })
    expect(bad.status).toBe(401)
  })

  it('closes promptly although probe polls are waiting', async () => {
    await until(() => waitingPolls() > 0)
    await agent.stop()
    const other = await startAgentFor('closer')
    await until(() => waitingPolls(other.probeId) > 0)
    const started = performance.now()
    await app.close()
    expect(performance.now() - started).toBeLessThan(2000)
    await other.agent.stop()
  })
})

function waitingPolls(id = probeId): number {
  const hub = commandHub(deps)
  return hub instanceof MemoryCommandHub ? hub.waiting(id) : 0
}

async function startAgentFor(name: string): Promise<{ agent: ProbeAgent; probeId: string }> {
  const probe = await api('POST', '/api/v1/probes/register', 'root', { name, network_type: 'internal' })
  const dir = mkdtempSync(join(tmpdir(), 'wiu-cmd-probe-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const other = await startAgent({
    config: {
      centralApiUrl: baseUrl,
      probeApiKey: probe.body.api_key as string,
      dataDir: dir,
      maxConcurrentChecks: 5,
      maxConcurrentScenarios: 1,
      heartbeatIntervalMs: 30_000,
      resultFlushMs: 1000,
      bufferMaxBytes: 1 << 20,
      logLevel: 'silent',
      allowNetworks: [],
    },
    stopGraceMs: 1000,
  })
  return { agent: other, probeId: probe.body.id as string }
}

function monitorBody(path: string) {
  // An hour apart: the probe would not run it on its own during this test.
  return { name: `m-${path}`, url: `${target.url}/${path}`, interval_seconds: 3600, timeout_seconds: 5 }
}

async function monitorsOf(user: string): Promise<Array<{ id: string; name: string }>> {
  const list = (await api('GET', '/api/v1/monitors', user)).body as unknown as Array<{ id: string; name: string }>
  return list.sort((a, b) => a.name.localeCompare(b.name))
}

function resultRecorded(monitorId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no result for ${monitorId} within 5 s`)), 5000)
    const off = deps.events.on('ResultsRecorded', ({ monitorIds }) => {
      if (!monitorIds.includes(monitorId)) return
      clearTimeout(timer)
      off()
      resolve()
    })
  })
}

function heartbeatsSeen(): { count(): number; stop(): void } {
  let n = 0
  const off = deps.events.on('ProbeSeen', ({ probeId: id }) => {
    if (id === probeId) n++
  })
  return { count: () => n, stop: off }
}

async function api(
  method: string,
  path: string,
  user?: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = user ? { ...auth[user] } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

async function login(username: string, superadmin: boolean): Promise<{ authorization: string }> {
  const password = `pw-${randomBytes(6).toString('hex')}`
  const now = Date.now()
  await deps.repos.users.insert({
    id: newId(now),
    email: `${username}@example.test`,
    username,
    full_name: null,
    password_hash: await hashPassword(password),
    is_superadmin: superadmin ? 1 : 0,
    is_active: 1,
    can_create_monitors: 1,
    timezone: null,
    language: null,
    created_at: now,
    updated_at: now,
  })
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  const { access_token } = (await res.json()) as { access_token: string }
  return { authorization: `Bearer ${access_token}` }
}

async function startTarget(): Promise<{ server: Server; url: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>()
  const server = createServer((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1)
    res.end('ok')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }
}

async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!ok()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
