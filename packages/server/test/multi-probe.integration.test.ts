import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCheckers, loadProbeConfig, type ProbeAgent, startAgent } from '@whatisup/probe'
import { systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DomainEvents } from '../src/core/events.js'
import { createTestContext, registerProbe, type TestContext, type TestUser } from './helpers.js'

/**
 * Three real probe agents in one process against a real server. Each probe checks its own local
 * target (its "view" of the service), so the test controls what each probe sees.
 */

interface Target {
  url: string
  up: boolean
  server: Server
}
async function target(): Promise<Target> {
  const t = { up: true } as Target
  t.server = createServer((_req, res) => {
    res.writeHead(t.up ? 200 : 503)
    res.end(t.up ? 'ok' : 'unavailable')
  })
  await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r))
  t.url = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}/health`
  return t
}

let t: TestContext
let admin: TestUser
let alice: TestUser
const dirs: string[] = []
const agents: ProbeAgent[] = []
const targets: Record<'eu1' | 'eu2' | 'us1', Target> = {} as never
const probeIds: Record<string, string> = {}
const events: [keyof DomainEvents, Record<string, unknown>][] = []
let monitorId = ''

beforeAll(async () => {
  t = await createTestContext({ PROBE_HEARTBEAT_SECONDS: '1' }, { clock: systemClock })
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  admin = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  for (const name of ['IncidentOpened', 'IncidentUpdated', 'IncidentResolved', 'ConfirmationRequested'] as const) {
    t.deps.events.on(name, (p) => {
      if ((p as { monitorId?: string }).monitorId === monitorId) events.push([name, p as Record<string, unknown>])
    })
  }
  const m = await t.app.inject({
    method: 'POST',
    url: '/api/v1/monitors',
    headers: alice.auth,
    payload: { name: 'shop', url: 'http://shop.invalid/health', interval_seconds: 3600, timeout_seconds: 5 },
  })
  monitorId = m.json().id
  for (const [name, location] of [
    ['eu1', 'Paris'],
    ['eu2', 'Paris'],
    ['us1', 'Virginia'],
  ] as const) {
    targets[name] = await target()
    const p = await registerProbe(t, admin, name, { location_name: location })
    probeIds[name] = p.id
    const dir = mkdtempSync(join(tmpdir(), `wiu-agent-${name}-`))
    dirs.push(dir)
    const http = createCheckers().http
    agents.push(
      await startAgent({
        config: loadProbeConfig({
          CENTRAL_API_URL: base,
          PROBE_API_KEY: p.api_key,
          PROBE_DATA_DIR: dir,
          RESULT_FLUSH_MS: '20',
          HEARTBEAT_INTERVAL: '1',
          LOG_LEVEL: 'error',
        }),
        networkPolicy: { allowPrivate: true },
        // The real HTTP checker, pointed at this probe's own view of the service.
        checkers: { http: { run: (ctx) => http.run({ ...ctx, monitor: { ...ctx.monitor, url: targets[name].url } }) } },
      }),
    )
  }
  await waitFor(() => agents.every((a) => a.stats().monitors >= 1), 'agents to receive the monitor')
}, 60_000)

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()))
  await t.close()
  for (const tg of Object.values(targets)) tg.server.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function resultCount(): Promise<number> {
  const r = await t.app.inject({ url: `/api/v1/monitors/${monitorId}/results?limit=2000`, headers: alice.auth })
  return r.json().length
}

/** Every probe checks now (twice: the default failure/recovery threshold) and the results land. */
async function checkRounds(rounds = 2): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const before = await resultCount()
    for (const a of agents) a.checkNow(monitorId)
    await waitFor(async () => (await resultCount()) >= before + 3, 'three results')
  }
}

const incidents = async () =>
  (await t.app.inject({ url: `/api/v1/monitors/${monitorId}/incidents`, headers: alice.auth })).json()

describe('three probes, one service', () => {
  it('says where it breaks: probe-local, then regional, escalated to global, then resolved — paging exactly for each change', async () => {
    await checkRounds()
    expect((await t.app.inject({ url: `/api/v1/monitors/${monitorId}`, headers: alice.auth })).json().status).toBe('up')

    // Only one probe's view fails: its own trouble, never a page; the others are asked to confirm.
    targets.eu1.up = false
    const before = await resultCount()
    agents[0]!.checkNow(monitorId)
    await waitFor(async () => (await resultCount()) > before, 'the first failing result')
    await waitFor(() => events.some(([n]) => n === 'ConfirmationRequested'), 'a confirmation request')
    const confirm = events.find(([n]) => n === 'ConfirmationRequested')
    expect([...((confirm?.[1].probeIds as string[] | undefined) ?? [])].sort()).toEqual(
      [probeIds.eu2, probeIds.us1].sort(),
    )
    await checkRounds()
    await new Promise((r) => setTimeout(r, 200))
    expect(await incidents()).toHaveLength(0)

    // Both Paris probes fail while Virginia sees it up: regional.
    targets.eu2.up = false
    await checkRounds()
    // Results are acknowledged before they are evaluated: wait for the verdict, not just the rows.
    await waitFor(async () => (await incidents()).length === 1, 'the regional incident')
    let list = await incidents()
    expect(list[0].affected_probe_ids.sort()).toEqual([probeIds.eu1, probeIds.eu2].sort())

    // Everyone fails: the same incident escalates to global.
    targets.us1.up = false
    await checkRounds()
    await waitFor(async () => (await incidents())[0]?.affected_probe_ids.length === 3, 'the escalation')
    list = await incidents()
    expect(list).toHaveLength(1)
    expect(list[0].affected_probe_ids).toHaveLength(3)

    for (const tg of Object.values(targets)) tg.up = true
    await checkRounds()
    await waitFor(async () => (await incidents())[0]?.status === 'resolved', 'the resolution')
    // The event follows the commit the API already shows: on PostgreSQL a request can land in between.
    await waitFor(() => events.some(([n]) => n === 'IncidentResolved'), 'the resolution event')
    list = await incidents()
    expect(list[0].status).toBe('resolved')

    const notified = events.filter(
      ([n, p]) => n !== 'ConfirmationRequested' && (n !== 'IncidentUpdated' || p.escalated),
    )
    expect(notified.map(([n, p]) => [n, p.scope ?? null])).toEqual([
      ['IncidentOpened', 'regional'],
      ['IncidentUpdated', 'global'],
      ['IncidentResolved', null],
    ])
  }, 90_000)
})
