import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SimulatedCrash } from '../src/modules/alerting/delivery/worker.js'
import { alertingEngine, DeliveryWorker } from '../src/modules/alerting/index.js'
import { api, createChannel, type Receiver, startReceiver } from './alerting.helpers.js'
import {
  createTestContext,
  HTTP_MONITOR,
  registerProbe,
  type TestContext,
  type TestUser,
  uploadResults,
} from './helpers.js'

const PUBLIC_URL = 'https://wiu.example.test'
let t: TestContext
let root: TestUser
let alice: TestUser
let bob: TestUser
let rx: Receiver
let worker: DeliveryWorker
let n = 0

beforeAll(async () => {
  // The fake clock moves hours in this file: tokens must outlive it.
  t = await createTestContext({
    ALERTING_ALLOW_PRIVATE_TARGETS: 'true',
    PUBLIC_URL,
    ACCESS_TOKEN_EXPIRE_MINUTES: '1440',
  })
  root = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  rx = await startReceiver()
  worker = new DeliveryWorker(t.deps)
})
afterAll(async () => {
  await worker.stop()
  await rx.close()
  await t.close()
})
beforeEach(async () => {
  // Far enough apart that incidents of different tests are never grouped or share fresh views.
  t.clock.advance(10 * 60_000)
  await settle()
  rx.clear()
})

/** Lets the engine finish what the events and timers queued. */
const settle = () => alertingEngine(t.deps)!.idle()
/** Moves the fake clock in steps (the engine's timers fire in order) and settles. */
async function advance(ms: number, step = 10_000) {
  for (let left = ms; left > 0; left -= step) {
    t.clock.advance(Math.min(step, left))
    await settle()
  }
}

async function setup(rule: Record<string, unknown> = {}, channel: Record<string, unknown> = {}) {
  n++
  const probe = await registerProbe(t, root, `p${n}`, { location_name: 'Paris' })
  const m = (await api(t).post('/monitors', alice, { ...HTTP_MONITOR, name: `svc-${n}` })).json() as { id: string }
  const ch = await createChannel(t, alice, 'webhook', { url: `${rx.url}/hook/${n}`, secret: 'k', ...channel })
  const res = await api(t).post('/alerts/rules', alice, {
    name: `rule ${n}`,
    condition: 'any_down',
    target: { kind: 'monitor', monitor_id: m.id },
    channel_ids: [ch.id],
    ...rule,
  })
  expect(res.statusCode).toBe(201)
  return { key: probe.api_key, probeId: probe.id, monitorId: m.id, channelId: ch.id, ruleId: res.json().id as string }
}

async function checks(key: string, monitorId: string, status: 'up' | 'down', times = 2) {
  for (let i = 0; i < times; i++) {
    await uploadResults(t, key, [{ monitor_id: monitorId, status }])
    t.clock.advance(1000)
  }
  await settle()
}

const log = async (incidentId: string, u = alice) =>
  (await api(t).get(`/incidents/${incidentId}/notifications`, u)).json()
const openIncident = async (monitorId: string) =>
  ((await api(t).get(`/monitors/${monitorId}/incidents`, alice)).json() as { id: string }[])[0]!.id
const bodies = () => rx.requests.map((r) => r.json as { event: string })

describe('live path: domain events → outbox → worker', () => {
  it('pages the opening and the resolution of a 2-second incident, with the whole message model', async () => {
    const s = await setup()
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    expect(await worker.drain()).toBe(1)
    await checks(s.key, s.monitorId, 'up')
    expect(await worker.drain()).toBe(1)
    expect(bodies().map((b) => b.event)).toEqual(['incident.opened', 'incident.resolved'])

    const opened = rx.requests[0]!
    const ts = opened.headers['x-whatisup-timestamp'] as string
    expect(opened.headers['x-whatisup-signature']).toBe(
      `sha256=${createHmac('sha256', 'k').update(`${ts}.${opened.raw}`).digest('hex')}`,
    )
    expect(opened.headers['x-whatisup-delivery']).toBe(`${id}|${s.ruleId}|${s.channelId}|opened|1`)
    expect(opened.json).toMatchObject({
      event: 'incident.opened',
      condition: 'any_down',
      rule: { id: s.ruleId, name: `rule ${n}` },
      monitor: { id: s.monitorId, name: `svc-${n}`, check_type: 'http', target: 'http://127.0.0.1:9/health' },
      incident: {
        id,
        scope: 'global',
        resolved_at: null,
        cause: 'connect: ECONNREFUSED',
        url: `${PUBLIC_URL}/incidents/${id}`,
      },
      affected_probes: [{ id: s.probeId, name: `p${n}`, region: 'Paris' }],
      error: { phase: 'connect', message: 'ECONNREFUSED' },
      message: { title: `🔴 DOWN: svc-${n}`, summary: 'Global outage (all probes) — connect: ECONNREFUSED' },
    })
    const resolved = rx.requests[1]!.json as { incident: { resolved_at: string }; message: { text: string } }
    expect(resolved.incident.resolved_at).not.toBeNull()
    expect(resolved.message.text).toContain('Duration: 2 s')

    const entries = await log(id)
    expect(entries.map((e: { event: string; status: string }) => `${e.event}:${e.status}`)).toEqual([
      'opened:sent',
      'resolved:sent',
    ])
    expect(entries[0]).toMatchObject({ rule: { id: s.ruleId }, channel: { id: s.channelId, kind: 'webhook' } })
  })

  it('the notification log is visible with the incident only (another user: 404)', async () => {
    const s = await setup()
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    expect((await api(t).get(`/incidents/${id}/notifications`, bob)).statusCode).toBe(404)
    expect(await log(id)).toHaveLength(1)
    await checks(s.key, s.monitorId, 'up')
    await worker.drain()
  })

  it('silences short-circuit before any I/O and are recorded as the reason', async () => {
    const s = await setup()
    const sil = await api(t).post('/silences', alice, { name: 'deploy', monitor_id: s.monitorId, duration_minutes: 30 })
    expect(sil.statusCode).toBe(201)
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    await checks(s.key, s.monitorId, 'up')
    expect(await worker.drain()).toBe(0)
    expect(rx.requests).toHaveLength(0)
    const entries = await log(id)
    expect(entries.map((e: { event: string; reason: string }) => `${e.event}:${e.reason}`)).toEqual([
      'opened:silenced',
      'resolved:not_notified',
    ])
    expect(entries.every((e: { status: string }) => e.status === 'skipped')).toBe(true)
  })

  it('a silence on tags short-circuits a monitor tagged after it was made, and only that one', async () => {
    const tag = `deploy-${n + 1}`
    const sil = await api(t).post('/silences', alice, { name: 'deploy', tags: [tag], duration_minutes: 30 })
    expect(sil.statusCode, sil.body).toBe(201)
    expect(sil.json()).toMatchObject({ monitor_id: null, tags: [tag] })
    const s = await setup()
    expect((await api(t).patch(`/monitors/${s.monitorId}`, alice, { tags: [tag, 'env:prod'] })).statusCode).toBe(200)
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    await checks(s.key, s.monitorId, 'up')
    expect(await worker.drain()).toBe(0)
    expect(rx.requests).toHaveLength(0)
    expect((await log(id)).map((e: { event: string; reason: string }) => `${e.event}:${e.reason}`)).toEqual([
      'opened:silenced',
      'resolved:not_notified',
    ])
    // A monitor without the tag still pages.
    const other = await setup()
    await checks(other.key, other.monitorId, 'down')
    expect(await worker.drain()).toBe(1)
    await checks(other.key, other.monitorId, 'up')
    await worker.drain()
  })

  it('maintenance suppresses the page and records why', async () => {
    const s = await setup()
    const now = t.clock.now()
    const mw = await api(t).post('/maintenance', alice, {
      name: 'upgrade',
      monitor_id: s.monitorId,
      schedule: {
        kind: 'once',
        starts_at: new Date(now - 1000).toISOString(),
        ends_at: new Date(now + 3_600_000).toISOString(),
      },
    })
    expect(mw.statusCode).toBe(201)
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    expect((await log(id))[0]).toMatchObject({
      event: 'opened',
      decision: 'skip',
      reason: 'maintenance',
      status: 'skipped',
    })
    await checks(s.key, s.monitorId, 'up')
    await api(t).del(`/maintenance/${mw.json().id}`, alice)
  })

  it('min duration: the opening waits on the clock, and is sent once the incident has lasted that long', async () => {
    const s = await setup({ min_duration_seconds: 120 })
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    expect((await log(id)).map((e: { reason: string }) => e.reason)).toEqual(['min_duration_pending'])
    await advance(60_000)
    expect(await worker.drain()).toBe(0)
    await advance(60_000)
    expect(await worker.drain()).toBe(1)
    expect(bodies().map((b) => b.event)).toEqual(['incident.opened'])
    await checks(s.key, s.monitorId, 'up')
    await worker.drain()
    expect(bodies().map((b) => b.event)).toEqual(['incident.opened', 'incident.resolved'])
  })

  it('re-notifies while open, not while acknowledged (recorded once)', async () => {
    const s = await setup({ renotify_minutes: 5 })
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    await advance(5 * 60_000)
    await worker.drain()
    expect(bodies().map((b) => b.event)).toEqual(['incident.opened', 'incident.reminder'])
    expect((await api(t).post(`/incidents/${id}/ack`, alice)).statusCode).toBe(200)
    await advance(15 * 60_000)
    await worker.drain()
    expect(rx.requests).toHaveLength(2)
    const reasons = (await log(id)).map((e: { event: string; reason: string | null }) => `${e.event}:${e.reason}`)
    expect(reasons).toEqual(['opened:null', 'renotify:null', 'renotify:acked'])
    await checks(s.key, s.monitorId, 'up')
    await worker.drain()
    expect(bodies().at(-1)?.event).toBe('incident.resolved')
  })

  it('a second outage of the same owner on the same probes joins the first one\'s group: "grouped"', async () => {
    const s = await setup()
    const m2 = (await api(t).post('/monitors', alice, { ...HTTP_MONITOR, name: `svc-${n}-b` })).json() as { id: string }
    await api(t).put(`/alerts/monitors/${m2.id}/matrix`, alice, {
      rows: [{ condition: 'any_down', channel_ids: [s.channelId] }],
    })
    await checks(s.key, s.monitorId, 'down')
    await checks(s.key, m2.id, 'down')
    const id2 = await openIncident(m2.id)
    expect((await log(id2))[0]).toMatchObject({ event: 'opened', reason: 'grouped' })
    await checks(s.key, s.monitorId, 'up')
    await checks(s.key, m2.id, 'up')
    await worker.drain()
  })
})

describe('exactly once, under failures', () => {
  it('a 500 is retried with backoff, then delivered once; a 400 is a permanent failure', async () => {
    const s = await setup()
    rx.answer(500)
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    expect(await worker.drain()).toBe(1)
    let row = (await log(id))[0]
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 500: {"error":"nope"}' })
    expect(await worker.drain()).toBe(0)
    await advance(29_000, 29_000)
    expect(await worker.drain()).toBe(0)
    await advance(1_000)
    expect(await worker.drain()).toBe(1)
    row = (await log(id))[0]
    expect(row).toMatchObject({ status: 'sent', attempts: 2, response: 'HTTP 200' })
    expect(rx.requests).toHaveLength(2)
    expect(new Set(rx.requests.map((r) => r.headers['x-whatisup-delivery'])).size).toBe(1)

    rx.answer(400)
    await checks(s.key, s.monitorId, 'up')
    await worker.drain()
    await advance(3_600_000, 60_000)
    await worker.drain()
    expect((await log(id))[1]).toMatchObject({ event: 'resolved', status: 'failed', attempts: 1 })
    expect(rx.requests).toHaveLength(3)
  })

  it('a resolution never overtakes the opening it closes while that one is retried', async () => {
    const s = await setup()
    rx.answer(503)
    await checks(s.key, s.monitorId, 'down')
    await worker.drain()
    await checks(s.key, s.monitorId, 'up')
    expect(await worker.drain()).toBe(0)
    expect(rx.requests).toHaveLength(1)
    await advance(30_000)
    await worker.drain()
    expect(bodies().map((b) => b.event)).toEqual(['incident.opened', 'incident.opened', 'incident.resolved'])
  })

  it('a crash between record and send is retried by the next worker, never duplicated', async () => {
    const s = await setup()
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    const crashing = new DeliveryWorker(t.deps, {
      beforeSend: () => {
        throw new SimulatedCrash('power cut')
      },
    })
    await expect(crashing.drain()).rejects.toThrow('power cut')
    await crashing.stop()
    expect((await log(id))[0]).toMatchObject({ status: 'sending', attempts: 1 })
    expect(rx.requests).toHaveLength(0)

    // The restarted process: its worker leaves the row alone while the dead one's lease runs…
    const restarted = new DeliveryWorker(t.deps)
    expect(await restarted.drain()).toBe(0)
    await advance(60_001)
    // …then two workers (replicas) race for it: exactly one sends it.
    const other = new DeliveryWorker(t.deps)
    const [a, b] = await Promise.all([restarted.drain(), other.drain()])
    expect(a + b).toBe(1)
    expect(rx.requests).toHaveLength(1)
    expect((await log(id))[0]).toMatchObject({ status: 'sent', attempts: 2 })
    await checks(s.key, s.monitorId, 'up')
    await Promise.all([restarted.drain(), other.drain()])
    expect(bodies().map((r) => r.event)).toEqual(['incident.opened', 'incident.resolved'])
    await restarted.stop()
    await other.stop()
  })

  it('a domain event delivered twice records its decisions once (idempotency keys)', async () => {
    const s = await setup()
    await checks(s.key, s.monitorId, 'down')
    const id = await openIncident(s.monitorId)
    const inc = (await t.deps.repos.incidents.findById(id))!
    t.deps.events.emit('IncidentOpened', {
      incidentId: id,
      monitorId: s.monitorId,
      ownerId: alice.id,
      at: inc.started_at,
      cause: inc.cause,
      scope: inc.scope,
      affectedProbeIds: [s.probeId],
      paging: true,
      suppressed: null,
      groupId: null,
    })
    await settle()
    expect(await log(id)).toHaveLength(1)
    await worker.drain()
    expect(rx.requests).toHaveLength(1)
    await checks(s.key, s.monitorId, 'up')
    await worker.drain()
  })
})
