import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RequestContext } from '../src/core/context.js'
import { RealtimeHub } from '../src/modules/realtime/index.js'
import { createTestContext, HTTP_MONITOR, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let alice: TestUser
let bob: TestUser
let admin: TestUser
let url: string
beforeAll(async () => {
  t = await createTestContext()
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  admin = await t.createUser({ username: 'root', superadmin: true })
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  url = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/ws`
})
afterAll(() => t.close())

interface Client {
  ws: WebSocket
  frames: { type: string; events?: { type: string; data: Record<string, unknown> }[] }[]
  closed: Promise<number>
  next(): Promise<unknown>
}

async function open(): Promise<Client> {
  const ws = new WebSocket(url)
  const frames: Client['frames'] = []
  const waiters: ((f: unknown) => void)[] = []
  ws.on('message', (raw) => {
    const f = JSON.parse(raw.toString()) as Client['frames'][number]
    frames.push(f)
    waiters.shift()?.(f)
  })
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)))
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res())
    ws.once('error', rej)
  })
  return { ws, frames, closed, next: () => new Promise((r) => waiters.push(r)) }
}

async function connect(user: TestUser): Promise<Client> {
  const c = await open()
  const hello = c.next()
  c.ws.send(JSON.stringify({ type: 'auth', token: user.token }))
  expect(await hello).toMatchObject({ type: 'hello', userId: user.id })
  return c
}

const tick = () => new Promise((r) => setTimeout(r, 30))

/** Advances the fake clock past the coalescing window and waits for frames to arrive. */
async function flush(): Promise<void> {
  await tick()
  t.clock.advance(250)
  await tick()
}

function stateChanged(monitorId: string, ownerId: string, to: 'up' | 'down') {
  t.deps.events.emit('MonitorStateChanged', { monitorId, ownerId, from: 'unknown', to, at: t.clock.now() })
}

describe('realtime channel', () => {
  it('closes a socket that does not authenticate within 5 s', async () => {
    const c = await open()
    await tick()
    t.clock.advance(5000)
    expect(await c.closed).toBe(4401)
  })

  it('closes on a bad first frame or an invalid token, and never reads a token from the URL', async () => {
    const a = await open()
    a.ws.send(JSON.stringify({ type: 'subscribe' }))
    expect(await a.closed).toBe(4401)
    const b = await open()
    b.ws.send(JSON.stringify({ type: 'auth', token: 'nope' }))
    expect(await b.closed).toBe(4401)
    const q = new WebSocket(`${url}?token=${alice.token}`)
    const frames: string[] = []
    q.on('message', (m) => frames.push(m.toString()))
    await new Promise((r) => q.once('open', r))
    t.deps.events.emit('MonitorCreated', { monitorId: 'm-url', ownerId: alice.id })
    await flush()
    expect(frames).toEqual([])
    q.close()
  })

  it("never forwards another tenant's events; superadmins see everything", async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitors/',
      headers: alice.auth,
      payload: HTTP_MONITOR,
    })
    const mine = created.json().id as string
    const a = await connect(alice)
    const b = await connect(bob)
    const root = await connect(admin)
    stateChanged(mine, alice.id, 'down')
    t.deps.events.emit('ProbeOffline', { probeId: 'p1', at: t.clock.now(), lastSeenAt: null })
    await flush()
    expect(a.frames.at(-1)?.events?.map((e) => e.type)).toEqual(['MonitorStateChanged'])
    expect(a.frames.at(-1)?.events?.[0]?.data).toMatchObject({ monitorId: mine, to: 'down' })
    expect(b.frames.map((f) => f.type)).toEqual(['hello'])
    expect(root.frames.at(-1)?.events?.map((e) => e.type)).toEqual(['MonitorStateChanged', 'ProbeOffline'])
    for (const c of [a, b, root]) c.ws.close()
  })

  it('coalesces a burst into one batch frame per window', async () => {
    const a = await connect(alice)
    for (let i = 0; i < 50; i++) stateChanged(`m${i}`, alice.id, i % 2 ? 'up' : 'down')
    await tick()
    expect(a.frames).toHaveLength(1) // only hello: nothing sent before the window closes
    await flush()
    expect(a.frames).toHaveLength(2)
    expect(a.frames[1]?.type).toBe('batch')
    expect(a.frames[1]?.events).toHaveLength(50)
    stateChanged('m-late', alice.id, 'up')
    await flush()
    expect(a.frames).toHaveLength(3)
    a.ws.close()
  })

  it("forwards group and tag edits and membership changes to their owner and superadmins, never another tenant's", async () => {
    const a = await connect(alice)
    const b = await connect(bob)
    const root = await connect(admin)
    const call = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) => {
      const res = await t.app.inject({
        method,
        url: `/api/v1${path}`,
        headers: alice.auth,
        ...(payload ? { payload } : {}),
      })
      expect(res.statusCode, res.body).toBeLessThan(300)
      return res.statusCode === 204 ? { id: '' } : (res.json() as { id: string })
    }
    const g = await call('POST', '/groups', { name: 'Shop' })
    await call('PATCH', `/groups/${g.id}`, { name: 'Shop EU' })
    const tag = await call('POST', '/tags', { label: 'env:prod' })
    await call('POST', '/tags', { label: 'env:prod' }) // idempotent: no second TagCreated
    await call('PATCH', `/tags/${tag.id}`, { color: '#ff0000' })
    const m = await call('POST', '/monitors/', { ...HTTP_MONITOR, group_id: g.id, tags: ['env:prod', 'team:core'] })
    await call('PATCH', `/monitors/${m.id}`, { tags: ['team:core', 'env:dev'] })
    await call('POST', '/monitors/bulk', { ids: [m.id], action: 'set_group', group_id: null })
    await call('DELETE', `/tags/${tag.id}`)
    await call('DELETE', `/groups/${g.id}`)
    await call('DELETE', `/monitors/${m.id}`)
    await flush()

    const groupish = (c: Client) =>
      c.frames
        .flatMap((f) => f.events ?? [])
        .filter((e) => /^(Group|Tag)/.test(e.type))
        .map((e) => `${e.type} ${String(e.data.groupId ?? e.data.tagId)}`)
    const core = (await t.deps.repos.groups.findTag(alice.id, { key: 'team', value: 'core' }))?.id
    const dev = (await t.deps.repos.groups.findTag(alice.id, { key: 'env', value: 'dev' }))?.id
    const expected = [
      `GroupCreated ${g.id}`,
      `GroupUpdated ${g.id}`,
      `TagCreated ${tag.id}`,
      `TagUpdated ${tag.id}`,
      // The monitor joins the group with one existing tag and one it creates.
      `GroupUpdated ${g.id}`,
      `TagUpdated ${tag.id}`,
      `TagCreated ${core}`,
      // Retagged: one tag taken off, one new one put on.
      `TagUpdated ${tag.id}`,
      `TagCreated ${dev}`,
      // It leaves the group.
      `GroupUpdated ${g.id}`,
      `TagDeleted ${tag.id}`,
      `GroupDeleted ${g.id}`,
      // Deleted, it leaves its tags' counts.
      `TagUpdated ${dev}`,
      `TagUpdated ${core}`,
    ]
    expect(groupish(a)).toEqual(expected)
    expect(groupish(root)).toEqual(expected)
    const data = a.frames.flatMap((f) => f.events ?? []).find((e) => e.type === 'GroupDeleted')?.data
    expect(data).toEqual({ groupId: g.id, ownerId: alice.id, teamId: null })
    expect(b.frames.map((f) => f.type)).toEqual(['hello'])

    // And the other way round: bob's group is not alice's business.
    await t.app.inject({ method: 'POST', url: '/api/v1/groups', headers: bob.auth, payload: { name: 'Bob' } })
    await flush()
    expect(groupish(b).map((e) => e.split(' ')[0])).toEqual(['GroupCreated'])
    expect(groupish(a)).toEqual(expected)
    for (const c of [a, b, root]) c.ws.close()
  })

  it("reaches a team's members for its groups, even deleted; tags stay their owner's", async () => {
    const hub = new RealtimeHub(t.deps, { windowMs: 250 })
    const ctx = (teamId: string): RequestContext => ({
      userId: `u-${teamId}`,
      isSuperadmin: false,
      canCreateMonitors: true,
      teams: [{ teamId, role: 'viewer' }],
    })
    const got = { t1: [] as string[], t2: [] as string[] }
    for (const team of ['t1', 't2'] as const) {
      hub.add({
        ctx: ctx(team),
        send: (f) => got[team].push(...(JSON.parse(f) as { events: { type: string }[] }).events.map((e) => e.type)),
      })
    }
    t.deps.events.emit('GroupUpdated', { groupId: 'g1', ownerId: 'someone', teamId: 't1' })
    t.deps.events.emit('GroupDeleted', { groupId: 'g1', ownerId: 'someone', teamId: 't1' })
    t.deps.events.emit('GroupCreated', { groupId: 'g2', ownerId: 'someone', teamId: null })
    t.deps.events.emit('TagCreated', { tagId: 'x', ownerId: 'someone' })
    await flush()
    hub.close()
    expect(got).toEqual({ t1: ['GroupUpdated', 'GroupDeleted'], t2: [] })
  })

  it('limits connections per IP', async () => {
    const sockets: Client[] = []
    for (let i = 0; i < 20; i++) sockets.push(await open())
    const extra = await open()
    expect(await extra.closed).toBe(4429)
    for (const s of sockets) s.ws.close()
  })
})
