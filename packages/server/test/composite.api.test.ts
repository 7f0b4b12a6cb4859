import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { serverMonitorsIdle, startServerMonitors } from '../src/modules/server-monitors/index.js'
import {
  createTestContext,
  HTTP_MONITOR,
  type RecordedEvent,
  recordEvents,
  type TestContext,
  type TestUser,
} from './helpers.js'

let t: TestContext
let alice: TestUser
let bob: TestUser
let stop: () => void
const events: RecordedEvent[] = []

beforeAll(async () => {
  t = await createTestContext({ ACCESS_TOKEN_EXPIRE_MINUTES: '1440' })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  recordEvents(t, ['IncidentOpened', 'IncidentResolved', 'MonitorStateChanged'], events)
  stop = startServerMonitors(t.deps)
})
afterAll(async () => {
  stop()
  await t.close()
})
// Outages of different tests must not join one incident group (2-minute window).
beforeEach(() => t.clock.advance(3 * 60_000))

const idle = () => serverMonitorsIdle(t.deps)
const req = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, user = alice) => {
  const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) })
  await idle()
  return res
}
async function create(body: object, user = alice): Promise<{ id: string; name: string }> {
  const res = await req('POST', '/monitors', body, user)
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const manual = (name: string, user = alice) => create({ name, check_type: 'manual' }, user)
const composite = (name: string, extra: object = {}, user = alice) =>
  create({ name, check_type: 'composite', ...extra }, user)
const set = async (id: string, status: 'up' | 'degraded' | 'down', note = '') => {
  const res = await req('POST', `/monitors/${id}/manual-state`, { status, note })
  expect(res.statusCode, res.body).toBe(201)
}
const add = (id: string, monitorId: string, extra: object = {}, user = alice) =>
  req('POST', `/monitors/${id}/composite-members`, { monitor_id: monitorId, ...extra }, user)
const status = async (id: string) => (await req('GET', `/monitors/${id}`)).json().status as string
const openIncident = async (id: string) =>
  ((await req('GET', `/monitors/${id}/incidents`)).json() as { status: string; cause: string; id: string }[]).find(
    (i) => i.status === 'open',
  )

describe('composite members API', () => {
  it('adds, lists, re-weights and removes members', async () => {
    const c = await composite('shop', { rule: 'weighted_up' })
    const a = await manual('api')
    const b = await manual('db')
    const added = await add(c.id, a.id, { weight: 3, role: 'frontend' })
    expect(added.statusCode, added.body).toBe(201)
    await add(c.id, b.id)
    const list = (await req('GET', `/monitors/${c.id}/composite-members`)).json()
    expect(list).toEqual([
      {
        member_type: 'monitor',
        monitor_id: a.id,
        name: 'api',
        check_type: 'manual',
        status: 'unknown',
        weight: 3,
        role: 'frontend',
      },
      {
        member_type: 'monitor',
        monitor_id: b.id,
        name: 'db',
        check_type: 'manual',
        status: 'unknown',
        weight: 1,
        role: null,
      },
    ])
    const patched = await req('PATCH', `/monitors/${c.id}/composite-members/${b.id}`, { weight: 5, role: 'store' })
    expect(patched.json()[1]).toMatchObject({ weight: 5, role: 'store' })
    expect((await req('DELETE', `/monitors/${c.id}/composite-members/${a.id}`)).statusCode).toBe(204)
    expect((await req('GET', `/monitors/${c.id}/composite-members`)).json()).toHaveLength(1)
    expect((await req('DELETE', `/monitors/${c.id}/composite-members/${a.id}`)).statusCode).toBe(404)
  })

  it('refuses itself, unknown monitors, other owners’ monitors, duplicates and non-composites', async () => {
    const c = await composite('c')
    const a = await manual('a')
    const bobs = await manual('bob’s', bob)
    const issue = async (id: string, monitorId: string) => {
      const res = await add(id, monitorId)
      return [res.statusCode, res.json().details?.issues?.[0]?.message ?? res.json().message]
    }
    expect(await issue(c.id, c.id)).toEqual([400, 'a composite cannot contain itself'])
    expect(await issue(c.id, 'nope')).toEqual([400, 'unknown monitor'])
    expect(await issue(c.id, bobs.id)).toEqual([400, 'unknown monitor'])
    expect((await add(c.id, a.id)).statusCode).toBe(201)
    expect((await add(c.id, a.id)).statusCode).toBe(409)
    expect(await issue(a.id, c.id)).toEqual([400, 'not a composite monitor'])
    expect((await add(c.id, a.id, {}, bob)).statusCode).toBe(404)
    expect((await add(c.id, a.id, { weight: 0 })).statusCode).toBe(400)
  })

  it('rejects cycles at save time, and allows composites of composites', async () => {
    const outer = await composite('outer')
    const middle = await composite('middle')
    const inner = await composite('inner')
    expect((await add(outer.id, middle.id)).statusCode).toBe(201)
    expect((await add(middle.id, inner.id)).statusCode).toBe(201)
    const cycle = await add(inner.id, outer.id)
    expect(cycle.statusCode).toBe(400)
    expect(cycle.json().details.issues).toEqual([
      { path: 'body.monitor_id', message: 'outer already contains this composite: that would be a cycle' },
    ])
    expect((await add(inner.id, middle.id)).statusCode).toBe(400)
    const leaf = await manual('leaf')
    expect((await add(inner.id, leaf.id)).statusCode).toBe(201)
    expect((await add(outer.id, leaf.id)).statusCode).toBe(201)
  })
})

describe('composite evaluation through the incident pipeline', () => {
  it('follows member state changes: down names the members down, the cause follows, up resolves', async () => {
    const c = await composite('checkout')
    const api = await manual('api')
    const db = await manual('db')
    await add(c.id, api.id)
    await add(c.id, db.id, { role: 'primary' })
    expect(await status(c.id)).toBe('unknown')
    await set(api.id, 'up')
    await set(db.id, 'up')
    expect(await status(c.id)).toBe('up')

    await set(db.id, 'down', 'disk failure')
    expect(await status(c.id)).toBe('down')
    const open = await openIncident(c.id)
    expect(open?.cause).toBe('Members down (1 of 2): db (primary)')
    const opened = events.filter((e) => e.name === 'IncidentOpened' && e.payload.monitorId === c.id)
    expect(opened).toHaveLength(1)

    await set(api.id, 'down')
    expect((await openIncident(c.id))?.cause).toBe('Members down (2 of 2): api, db (primary)')
    const detail = (await req('GET', `/incidents/${open?.id}`)).json()
    expect(detail.timeline.map((e: { kind: string }) => e.kind)).toContain('cause_changed')

    await set(api.id, 'up')
    await set(db.id, 'up')
    expect(await status(c.id)).toBe('up')
    expect(await openIncident(c.id)).toBeUndefined()
  })

  it('re-evaluates on state changes only, not on every member result', async () => {
    const c = await composite('c')
    const m = await manual('m')
    await add(c.id, m.id)
    await set(m.id, 'up')
    const checked = (await req('GET', `/monitors/${c.id}`)).json().last_checked_at
    t.clock.advance(60_000)
    await set(m.id, 'up', 'still fine')
    expect((await req('GET', `/monitors/${c.id}`)).json().last_checked_at).toBe(checked)
    await set(m.id, 'degraded')
    expect(await status(c.id)).toBe('degraded')
    expect((await req('GET', `/monitors/${c.id}`)).json().last_checked_at).not.toBe(checked)
  })

  it('propagates through composites of composites', async () => {
    const site = await composite('site', { rule: 'any_up' })
    const eu = await composite('eu')
    const us = await composite('us')
    const eu1 = await manual('eu-1')
    const us1 = await manual('us-1')
    await add(eu.id, eu1.id)
    await add(us.id, us1.id)
    await add(site.id, eu.id)
    await add(site.id, us.id)
    await set(eu1.id, 'up')
    await set(us1.id, 'up')
    expect(await status(site.id)).toBe('up')
    await set(eu1.id, 'down')
    expect([await status(eu.id), await status(site.id)]).toEqual(['down', 'up'])
    await set(us1.id, 'down')
    expect(await status(site.id)).toBe('down')
    expect((await openIncident(site.id))?.cause).toBe('Members down (2 of 2): eu, us')
  })

  it('weights and the degraded threshold come from the composite’s settings', async () => {
    const c = await composite('cluster', { rule: 'weighted_up', degraded_below_percent: 80 })
    const big = await manual('big')
    const small = await manual('small')
    await add(c.id, big.id, { weight: 4 })
    await add(c.id, small.id, { weight: 1 })
    await set(big.id, 'up')
    await set(small.id, 'down')
    expect(await status(c.id)).toBe('up')
    await req('PATCH', `/monitors/${c.id}/composite-members/${small.id}`, { weight: 2 })
    expect(await status(c.id)).toBe('degraded')
    await req('PATCH', `/monitors/${c.id}`, { rule: 'all_up' })
    expect(await status(c.id)).toBe('down')
  })

  it('a paused member leaves the rule; a deleted one leaves the composite', async () => {
    const c = await composite('c')
    const a = await manual('a')
    const b = await manual('b')
    await add(c.id, a.id)
    await add(c.id, b.id)
    await set(a.id, 'up')
    await set(b.id, 'down')
    expect(await status(c.id)).toBe('down')
    await req('POST', `/monitors/${b.id}/pause`)
    expect(await status(c.id)).toBe('up')
    expect((await req('GET', `/monitors/${c.id}/composite-members`)).json()[1].status).toBe('paused')
    await req('POST', `/monitors/${b.id}/resume`)
    expect(await status(c.id)).toBe('down')
    await req('DELETE', `/monitors/${b.id}`)
    expect(await status(c.id)).toBe('up')
    expect((await req('GET', `/monitors/${c.id}/composite-members`)).json()).toHaveLength(1)
  })

  it('a monitor that stops being a composite loses its members; probe monitors can be members', async () => {
    const c = await composite('c')
    const h = await create(HTTP_MONITOR)
    await add(c.id, h.id)
    expect((await req('GET', `/monitors/${c.id}/composite-members`)).json()[0]).toMatchObject({
      check_type: 'http',
      status: 'unknown',
    })
    await req('PATCH', `/monitors/${c.id}`, { check_type: 'manual' })
    expect(await t.deps.repos.composites.members(c.id)).toEqual([])
  })
})
