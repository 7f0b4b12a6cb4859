import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DomainEvents } from '../src/core/events.js'
import { createTestContext, HTTP_MONITOR, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let alice: TestUser
let bob: TestUser
let admin: TestUser
const updated: DomainEvents['MonitorUpdated'][] = []

beforeAll(async () => {
  t = await createTestContext({ ACCESS_TOKEN_EXPIRE_MINUTES: '1440' })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  admin = await t.createUser({ username: 'root', superadmin: true })
  t.deps.events.on('MonitorUpdated', (e) => void updated.push(e))
})
afterAll(() => t.close())

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
const req = (method: Method, url: string, payload?: object, user = alice) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) })
async function ok<T = Record<string, unknown>>(method: Method, url: string, payload?: object, user = alice) {
  const res = await req(method, url, payload, user)
  expect(res.statusCode, res.body).toBeLessThan(300)
  return res.json() as T
}
const monitor = (name: string, extra: object = {}, user = alice) =>
  ok<{ id: string; group_id: string | null; tags: string[] }>(
    'POST',
    '/monitors',
    { ...HTTP_MONITOR, name, ...extra },
    user,
  )
const group = (name: string, user = alice) => ok<{ id: string }>('POST', '/groups', { name }, user)
const code = async (method: Method, url: string, payload?: object, user = alice) => {
  const res = await req(method, url, payload, user)
  return [res.statusCode, res.json().code, res.json().details?.issues?.[0]?.path] as const
}

describe('groups', () => {
  it('creates, reads, renames and counts monitors by state; names are unique per owner, any case', async () => {
    const g = await ok<{ id: string }>('POST', '/groups', { name: 'Payments', description: 'Card flow' })
    expect(g).toMatchObject({
      name: 'Payments',
      description: 'Card flow',
      monitor_count: 0,
      status_counts: { up: 0, down: 0, degraded: 0, paused: 0, unknown: 0 },
    })
    expect(await code('POST', '/groups', { name: 'payments' })).toEqual([409, 'CONFLICT', 'body.name'])
    // Another owner may use the same name.
    await group('Payments', bob)
    const m1 = await monitor('pay-api', { group_id: g.id })
    await monitor('pay-db', { group_id: g.id, enabled: false })
    expect(m1.group_id).toBe(g.id)
    const read = await ok('GET', `/groups/${g.id}`)
    expect(read).toMatchObject({ monitor_count: 2, status_counts: { unknown: 1, paused: 1, up: 0 } })
    const renamed = await ok('PATCH', `/groups/${g.id}`, { name: 'Payments EU', description: null })
    expect(renamed).toMatchObject({ name: 'Payments EU', description: null })
    const members = await req('GET', `/groups/${g.id}/monitors?limit=1`)
    expect(members.headers['x-total-count']).toBe('2')
    expect(members.json().map((m: { name: string }) => m.name)).toEqual(['pay-api'])
    expect((await ok<{ name: string }[]>('GET', '/groups')).map((x) => x.name)).toContain('Payments EU')
  })

  it('rejects bad input with codes and changes nothing', async () => {
    expect(await code('POST', '/groups', { name: '' })).toEqual([400, 'VALIDATION_FAILED', 'body.name'])
    expect(await code('POST', '/groups', { name: 'x'.repeat(101) })).toEqual([400, 'VALIDATION_FAILED', 'body.name'])
    expect(await code('POST', '/groups', { name: 'x', color: 'red' })).toEqual([400, 'VALIDATION_FAILED', 'body.color'])
    expect((await ok<{ name: string }[]>('GET', '/groups')).map((g) => g.name)).not.toContain('x')
    const g = await group('Rename clash A')
    await group('Rename clash B')
    expect(await code('PATCH', `/groups/${g.id}`, { name: 'rename clash b' })).toEqual([409, 'CONFLICT', 'body.name'])
    expect((await ok<{ name: string }>('GET', `/groups/${g.id}`)).name).toBe('Rename clash A')
    expect(await code('POST', '/monitors', { ...HTTP_MONITOR, group_id: 'nope' })).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.group_id',
    ])
  })

  it('deleting a group keeps its monitors, ungrouped', async () => {
    const g = await group('Doomed')
    const m = await monitor('survivor', { group_id: g.id })
    updated.length = 0
    expect((await req('DELETE', `/groups/${g.id}`)).statusCode).toBe(204)
    expect((await ok<{ group_id: string | null }>('GET', `/monitors/${m.id}`)).group_id).toBeNull()
    expect(updated.map((e) => e.monitorId)).toEqual([m.id])
    expect((await req('GET', `/groups/${g.id}`)).statusCode).toBe(404)
  })

  it('is invisible to other tenants: read, change, file monitors into, list members', async () => {
    const g = await group('Alice only')
    await monitor('alice in group', { group_id: g.id })
    expect((await req('GET', `/groups/${g.id}`, undefined, bob)).statusCode).toBe(404)
    expect((await req('PATCH', `/groups/${g.id}`, { name: 'mine' }, bob)).statusCode).toBe(404)
    expect((await req('DELETE', `/groups/${g.id}`, undefined, bob)).statusCode).toBe(404)
    expect((await req('GET', `/groups/${g.id}/monitors`, undefined, bob)).statusCode).toBe(404)
    expect((await ok<{ id: string }[]>('GET', '/groups', undefined, bob)).map((x) => x.id)).not.toContain(g.id)
    expect(await code('POST', '/monitors', { ...HTTP_MONITOR, group_id: g.id }, bob)).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.group_id',
    ])
    const bobs = await monitor('bob’s', {}, bob)
    expect(await code('PATCH', `/monitors/${bobs.id}`, { group_id: g.id }, bob)).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.group_id',
    ])
    // Filtering by another tenant's group finds nothing.
    const list = await req('GET', `/monitors?group_id=${g.id}`, undefined, bob)
    expect([list.headers['x-total-count'], list.json()]).toEqual(['0', []])
    // A superadmin sees it, but cannot file someone else's monitor into it.
    expect((await req('GET', `/groups/${g.id}`, undefined, admin)).statusCode).toBe(200)
    expect(await code('PATCH', `/monitors/${bobs.id}`, { group_id: g.id }, admin)).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.group_id',
    ])
  })
})

describe('tags', () => {
  it('creates idempotently (201 both times), lists with counts, and validates labels', async () => {
    const a = await req('POST', '/tags', { label: 'env:prod', color: '#00aa00' })
    const b = await req('POST', '/tags', { label: 'env:prod' })
    expect([a.statusCode, b.statusCode]).toEqual([201, 201])
    expect(b.json()).toEqual(a.json())
    expect(a.json()).toMatchObject({ key: 'env', value: 'prod', label: 'env:prod', color: '#00aa00', monitor_count: 0 })
    const bare = await ok('POST', '/tags', { label: 'critical' })
    expect(bare).toMatchObject({ key: 'critical', value: null, label: 'critical', color: null })
    const colon = await ok('POST', '/tags', { label: 'team:core:eu' })
    expect(colon).toMatchObject({ key: 'team', value: 'core:eu' })
    for (const label of [
      'env:',
      ':prod',
      'has space:x',
      'k:a,b',
      'k:\u0007',
      `${'k'.repeat(65)}`,
      `k:${'v'.repeat(129)}`,
    ]) {
      expect(await code('POST', '/tags', { label }), label).toEqual([400, 'VALIDATION_FAILED', 'body.label'])
    }
    expect(await code('POST', '/tags', { label: 'x', color: 'green' })).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.color',
    ])
    await monitor('tagged', { tags: ['env:prod', 'critical', 'env:prod'] })
    const tags = await ok<{ label: string; monitor_count: number }[]>('GET', '/tags')
    expect(tags.find((x) => x.label === 'env:prod')?.monitor_count).toBe(1)
  })

  it('monitors carry sorted labels; update replaces them; at most 32', async () => {
    const m = await monitor('labels', { tags: ['zeta', 'alpha:1'] })
    expect(m.tags).toEqual(['alpha:1', 'zeta'])
    const p = await ok<{ tags: string[] }>('PATCH', `/monitors/${m.id}`, { tags: ['beta'] })
    expect(p.tags).toEqual(['beta'])
    const kept = await ok<{ tags: string[] }>('PATCH', `/monitors/${m.id}`, { name: 'renamed' })
    expect(kept.tags).toEqual(['beta'])
    const many = Array.from({ length: 33 }, (_, i) => `t${i}`)
    expect((await code('PATCH', `/monitors/${m.id}`, { tags: many }))[0]).toBe(400)
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${m.id}`)).tags).toEqual(['beta'])
  })

  it('rename and recolour by owner or superadmin only; rename clash is 409; delete unlinks', async () => {
    const m = await monitor('rename me', { tags: ['old:name'] })
    const tag = (await ok<{ id: string; label: string }[]>('GET', '/tags')).find((x) => x.label === 'old:name')!
    expect((await req('PATCH', `/tags/${tag.id}`, { label: 'stolen' }, bob)).statusCode).toBe(404)
    expect((await req('DELETE', `/tags/${tag.id}`, undefined, bob)).statusCode).toBe(404)
    const watching = await ok<{ id: string }>('POST', '/alerts/rules', {
      name: 'follows rename',
      condition: 'any_down',
      target: { kind: 'tag', tags: ['old:name', 'other'] },
    })
    const bobRule = await ok<{ id: string }>(
      'POST',
      '/alerts/rules',
      { name: 'bob’s own label', condition: 'any_down', target: { kind: 'tag', tags: ['old:name'] } },
      bob,
    )
    updated.length = 0
    expect(await ok('PATCH', `/tags/${tag.id}`, { label: 'new:name', color: '#123456' })).toMatchObject({
      label: 'new:name',
      color: '#123456',
      monitor_count: 1,
    })
    expect(updated.map((e) => e.monitorId)).toEqual([m.id])
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${m.id}`)).tags).toEqual(['new:name'])
    // The owner's tag rules follow the rename; another owner's rule with the same label does not.
    expect((await ok<{ target: object }>('GET', `/alerts/rules/${watching.id}`)).target).toEqual({
      kind: 'tag',
      tags: ['new:name', 'other'],
    })
    expect((await ok<{ target: object }>('GET', `/alerts/rules/${bobRule.id}`, undefined, bob)).target).toEqual({
      kind: 'tag',
      tags: ['old:name'],
    })
    await ok('POST', '/tags', { label: 'taken' })
    expect(await code('PATCH', `/tags/${tag.id}`, { label: 'taken' })).toEqual([409, 'CONFLICT', 'body.label'])
    expect(await ok('PATCH', `/tags/${tag.id}`, { color: null }, admin)).toMatchObject({ color: null })
    expect((await req('DELETE', `/tags/${tag.id}`)).statusCode).toBe(204)
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${m.id}`)).tags).toEqual([])
  })

  it('are per owner: bob neither sees alice’s tags nor matches her monitors with the same label', async () => {
    await monitor('alice secret', { tags: ['scope:private'] })
    const bobTags = await ok<{ label: string }[]>('GET', '/tags', undefined, bob)
    expect(bobTags.map((x) => x.label)).not.toContain('scope:private')
    await ok('POST', '/tags', { label: 'scope:private' }, bob)
    const list = await req('GET', '/monitors?tag=scope:private', undefined, bob)
    expect([list.headers['x-total-count'], list.json()]).toEqual(['0', []])
  })
})

describe('monitor list filters (server-side, with totals)', () => {
  let carol: TestUser
  let ids: Record<string, string>
  const names = async (query: string) => {
    const res = await req('GET', `/monitors?limit=500&${query}`, undefined, carol)
    expect(res.statusCode, res.body).toBe(200)
    const list = (res.json() as { name: string }[]).map((m) => m.name)
    expect(res.headers['x-total-count']).toBe(String(list.length))
    return list
  }
  beforeAll(async () => {
    carol = await t.createUser({ username: 'carol' })
    const g = await group('Shop', carol)
    ids = { g: g.id }
    const mk = async (name: string, extra: object) => {
      const body =
        'check_type' in extra ? { name, interval_seconds: 30, ...extra } : { ...HTTP_MONITOR, name, ...extra }
      ids[name] = (await ok<{ id: string }>('POST', '/monitors', body, carol)).id
    }
    await mk('a-web', { group_id: g.id, tags: ['env:prod', 'tier:web'] })
    await mk('b-db', { check_type: 'tcp', host: '127.0.0.1', port: 9, group_id: g.id, tags: ['env:prod'] })
    await mk('c-stage', { tags: ['env:stage', 'tier:web'] })
    await mk('d-paused', { enabled: false, tags: ['env:prod'] })
    await t.deps.repos.state.putMonitorState({
      monitor_id: ids['b-db']!,
      status: 'down',
      status_since: t.clock.now(),
      last_checked_at: t.clock.now(),
      last_latency_ms: null,
      flapping: 0,
      scope: 'global',
    })
  })

  it('filters by each field and combines them with AND', async () => {
    expect(await names('')).toEqual(['a-web', 'b-db', 'c-stage', 'd-paused'])
    expect(await names('status=down')).toEqual(['b-db'])
    expect(await names('status=paused')).toEqual(['d-paused'])
    expect(await names('status=unknown,down')).toEqual(['a-web', 'b-db', 'c-stage'])
    expect(await names('status=paused&status=down')).toEqual(['b-db', 'd-paused'])
    expect(await names('kind=tcp')).toEqual(['b-db'])
    expect(await names('kind=http,tcp')).toEqual(['a-web', 'b-db', 'c-stage', 'd-paused'])
    expect(await names(`group_id=${ids.g}`)).toEqual(['a-web', 'b-db'])
    expect(await names('group_id=none')).toEqual(['c-stage', 'd-paused'])
    expect(await names('tag=env:prod')).toEqual(['a-web', 'b-db', 'd-paused'])
    expect(await names('tag=env:prod&tag=tier:web')).toEqual(['a-web'])
    expect(await names('tag=env:prod,tier:web')).toEqual(['a-web'])
    expect(await names('tag=tier')).toEqual([])
    expect(await names(`tag=env:prod&group_id=none&status=paused`)).toEqual(['d-paused'])
    expect(await names('q=stage&tag=tier:web')).toEqual(['c-stage'])
    const page = await req('GET', '/monitors?tag=env:prod&limit=1&offset=1', undefined, carol)
    expect([page.headers['x-total-count'], page.json().map((m: { name: string }) => m.name)]).toEqual(['3', ['b-db']])
  })

  it('rejects unknown statuses, kinds and malformed tags', async () => {
    expect(await code('GET', '/monitors?status=sideways', undefined, carol)).toEqual([
      400,
      'VALIDATION_FAILED',
      'querystring.status.0',
    ])
    expect((await code('GET', '/monitors?kind=gopher', undefined, carol))[0]).toBe(400)
    expect((await code('GET', '/monitors?tag=bad%20key', undefined, carol))[0]).toBe(400)
  })
})

describe('bulk', () => {
  let dave: TestUser
  beforeAll(async () => {
    dave = await t.createUser({ username: 'dave' })
  })
  const bulk = (payload: object, user = dave) => req('POST', '/monitors/bulk', payload, user)

  it('pauses and resumes, reporting ids the caller cannot change as not_found and leaving them alone', async () => {
    const a = await monitor('bulk a', {}, dave)
    const b = await monitor('bulk b', {}, dave)
    const foreign = await monitor('not dave’s', {}, alice)
    const ghost = '01900000-0000-7000-8000-000000000000'
    updated.length = 0
    const res = await bulk({ ids: [a.id, b.id, foreign.id, ghost], action: 'pause' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ affected: 2, not_found: [foreign.id, ghost] })
    expect(updated.map((e) => e.monitorId).sort()).toEqual([a.id, b.id].sort())
    for (const id of [a.id, b.id])
      expect((await ok<{ status: string }>('GET', `/monitors/${id}`, undefined, dave)).status).toBe('paused')
    expect((await ok<{ enabled: boolean }>('GET', `/monitors/${foreign.id}`)).enabled).toBe(true)
    expect((await bulk({ ids: [a.id], action: 'resume' })).json()).toEqual({ affected: 1, not_found: [] })
    expect((await ok<{ status: string }>('GET', `/monitors/${a.id}`, undefined, dave)).status).toBe('unknown')
  })

  it('sets and clears a group, adds and removes tags', async () => {
    const g = await group('Bulk group', dave)
    const a = await monitor('bulk tag a', { tags: ['keep'] }, dave)
    const b = await monitor('bulk tag b', {}, dave)
    expect((await bulk({ ids: [a.id, b.id], action: 'set_group', group_id: g.id })).json()).toEqual({
      affected: 2,
      not_found: [],
    })
    expect((await ok<{ monitor_count: number }>('GET', `/groups/${g.id}`, undefined, dave)).monitor_count).toBe(2)
    await bulk({ ids: [a.id], action: 'set_group', group_id: null })
    expect((await ok<{ group_id: null }>('GET', `/monitors/${a.id}`, undefined, dave)).group_id).toBeNull()
    await bulk({ ids: [a.id, b.id], action: 'add_tags', tags: ['env:prod', 'critical'] })
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${a.id}`, undefined, dave)).tags).toEqual([
      'critical',
      'env:prod',
      'keep',
    ])
    await bulk({ ids: [a.id, b.id], action: 'remove_tags', tags: ['critical', 'keep'] })
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${a.id}`, undefined, dave)).tags).toEqual(['env:prod'])
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${b.id}`, undefined, dave)).tags).toEqual(['env:prod'])
  })

  it('deletes only what the caller may delete', async () => {
    const a = await monitor('bulk del', {}, dave)
    const foreign = await monitor('alice keeps', {}, alice)
    expect((await bulk({ ids: [a.id, foreign.id], action: 'delete' })).json()).toEqual({
      affected: 1,
      not_found: [foreign.id],
    })
    expect((await req('GET', `/monitors/${a.id}`, undefined, dave)).statusCode).toBe(404)
    expect((await req('GET', `/monitors/${foreign.id}`)).statusCode).toBe(200)
  })

  it('validates per action and is atomic: a tag overflow on one monitor writes nothing', async () => {
    const a = await monitor('bulk full', { tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }, dave)
    const b = await monitor('bulk empty', {}, dave)
    expect(await code('POST', '/monitors/bulk', { ids: [a.id], action: 'set_group' }, dave)).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.group_id',
    ])
    expect(await code('POST', '/monitors/bulk', { ids: [a.id], action: 'add_tags', tags: [] }, dave)).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.tags',
    ])
    expect((await code('POST', '/monitors/bulk', { ids: [], action: 'pause' }, dave))[0]).toBe(400)
    expect((await code('POST', '/monitors/bulk', { ids: ['not-a-uuid'], action: 'pause' }, dave))[0]).toBe(400)
    expect((await code('POST', '/monitors/bulk', { ids: [a.id], action: 'explode' }, dave))[0]).toBe(400)
    const alicesGroup = await group('Alice bulk target')
    expect(
      await code('POST', '/monitors/bulk', { ids: [a.id], action: 'set_group', group_id: alicesGroup.id }, dave),
    ).toEqual([400, 'VALIDATION_FAILED', 'body.group_id'])
    expect(
      await code('POST', '/monitors/bulk', { ids: [a.id, b.id], action: 'add_tags', tags: ['x1', 'x2'] }, dave),
    ).toEqual([400, 'VALIDATION_FAILED', 'body.tags'])
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${a.id}`, undefined, dave)).tags).toHaveLength(31)
    expect((await ok<{ tags: string[] }>('GET', `/monitors/${b.id}`, undefined, dave)).tags).toEqual([])
  })

  it('is rate-limited per user', async () => {
    const erin = await t.createUser({ username: 'erin' })
    const m = await monitor('erin’s', {}, erin)
    const codes: number[] = []
    for (let i = 0; i < 21; i++) codes.push((await bulk({ ids: [m.id], action: 'pause' }, erin)).statusCode)
    expect(codes.slice(0, 20).every((c) => c === 200)).toBe(true)
    expect(codes[20]).toBe(429)
  })
})
