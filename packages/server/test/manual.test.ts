import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { serverMonitorsIdle, startServerMonitors } from '../src/modules/server-monitors/index.js'
import { createTestContext, type RecordedEvent, recordEvents, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let alice: TestUser
let bob: TestUser
let root: TestUser
let stop: () => void
const events: RecordedEvent[] = []

beforeAll(async () => {
  t = await createTestContext({ ACCESS_TOKEN_EXPIRE_MINUTES: '1440' })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  root = await t.createUser({ username: 'root', superadmin: true })
  recordEvents(t, ['IncidentOpened', 'IncidentResolved'], events)
  stop = startServerMonitors(t.deps)
})
afterAll(async () => {
  stop()
  await t.close()
})
beforeEach(() => t.clock.advance(3 * 60_000))

const req = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, user = alice) => {
  const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) })
  await serverMonitorsIdle(t.deps)
  return res
}
async function manual(name = 'payments provider'): Promise<{ id: string; status: string }> {
  const res = await req('POST', '/monitors', { name, check_type: 'manual' })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const setState = (id: string, body: object, user = alice) => req('POST', `/monitors/${id}/manual-state`, body, user)
const openedFor = (id: string) =>
  events.filter((e) => e.name === 'IncidentOpened' && e.payload.monitorId === id).map((e) => e.payload)

describe('manual monitors', () => {
  it('a person sets the state with a note; it is recorded with its author and feeds the incidents', async () => {
    const m = await manual()
    expect(m.status).toBe('unknown')
    const set = await setState(m.id, { status: 'down', note: 'provider confirms an outage' })
    expect(set.statusCode, set.body).toBe(201)
    expect(set.json()).toMatchObject({ status: 'down', note: 'provider confirms an outage', author: 'alice' })
    expect((await req('GET', `/monitors/${m.id}`)).json().status).toBe('down')
    const [incident] = (await req('GET', `/monitors/${m.id}/incidents`)).json()
    expect(incident).toMatchObject({ status: 'open', cause: 'set down by alice: provider confirms an outage' })
    expect(openedFor(m.id)).toEqual([expect.objectContaining({ paging: true })])

    t.clock.advance(60_000)
    await setState(m.id, { status: 'degraded' }, root)
    expect((await req('GET', `/monitors/${m.id}`)).json().status).toBe('degraded')
    expect((await req('GET', `/monitors/${m.id}/incidents`)).json()[0].status).toBe('resolved')
    const history = (await req('GET', `/monitors/${m.id}/manual-state`)).json()
    expect(history.map((h: { status: string; author: string; note: string }) => [h.status, h.author, h.note])).toEqual([
      ['degraded', 'root', ''],
      ['down', 'alice', 'provider confirms an outage'],
    ])
  })

  it('only someone who may edit the monitor; only manual monitors; not while paused', async () => {
    const m = await manual()
    expect((await setState(m.id, { status: 'down' }, bob)).statusCode).toBe(404)
    expect((await setState(m.id, { status: 'sideways' })).statusCode).toBe(400)
    expect((await setState(m.id, { status: 'up', colour: 'red' })).json().details.issues[0].path).toBe('body.colour')
    const http = await req('POST', '/monitors', { name: 'h', url: 'https://example.com' })
    expect((await setState(http.json().id, { status: 'up' })).json().message).toBe('not a manual monitor')
    await req('POST', `/monitors/${m.id}/pause`)
    expect((await setState(m.id, { status: 'up' })).statusCode).toBe(409)
  })

  it('resumed, it takes back the last state a person set', async () => {
    const m = await manual()
    await setState(m.id, { status: 'degraded', note: 'slow' })
    await req('POST', `/monitors/${m.id}/pause`)
    const resumed = await req('POST', `/monitors/${m.id}/resume`)
    expect(resumed.statusCode).toBe(200)
    expect((await req('GET', `/monitors/${m.id}`)).json().status).toBe('degraded')
  })
})

describe('the same pipeline as probe monitors', () => {
  it('a down inside a maintenance window opens a suppressed incident', async () => {
    const m = await manual()
    const now = t.clock.now()
    await req('POST', '/maintenance', {
      name: 'provider window',
      monitor_id: m.id,
      schedule: {
        kind: 'once',
        starts_at: new Date(now - 60_000).toISOString(),
        ends_at: new Date(now + 3_600_000).toISOString(),
      },
    })
    await setState(m.id, { status: 'down' })
    expect(openedFor(m.id)).toEqual([expect.objectContaining({ paging: false, suppressed: 'maintenance' })])
  })

  it('a heartbeat down while a parent it depends on is down does not page', async () => {
    const parent = await manual('datacenter power')
    const hb = (await req('POST', '/monitors', { name: 'job', check_type: 'heartbeat', period_seconds: 60 })).json()
    expect((await req('POST', `/monitors/${hb.id}/dependencies`, { parent_id: parent.id })).statusCode).toBe(201)
    await t.app.inject({ url: hb.ping_url })
    await setState(parent.id, { status: 'down' })
    t.clock.advance(121_000)
    await serverMonitorsIdle(t.deps)
    expect(openedFor(hb.id)).toEqual([expect.objectContaining({ paging: false, suppressed: 'dependency' })])
  })
})
