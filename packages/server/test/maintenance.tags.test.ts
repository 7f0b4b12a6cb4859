import { describe, expect, it } from 'vitest'
import {
  alice,
  bob,
  manual,
  ok,
  opened,
  req,
  set,
  t,
  useServerMonitorsWorld,
  maintenanceWindow as window,
} from './server-monitors-world.js'

useServerMonitorsWorld()

const openedFor = (id: string) => opened.find((e) => e.monitorId === id)
const issue = async (res: Awaited<ReturnType<typeof req>>) => [
  res.statusCode,
  res.json().code,
  res.json().details?.issues?.[0]?.path,
]
describe('maintenance windows targeting tags', () => {
  it('covers the owner’s monitors carrying every tag, including one tagged after the window was made', async () => {
    const before = await manual('tagged before', { tags: ['zone:a', 'db', 'extra'] })
    const w = await window({ tags: ['zone:a', 'db', 'db'] })
    expect(w.statusCode, w.body).toBe(201)
    expect(w.json()).toMatchObject({ monitor_id: null, group_id: null, tags: ['zone:a', 'db'], active: true })
    const later = await manual('tagged later')
    await ok('PATCH', `/monitors/${later.id}`, { tags: ['db', 'zone:a'] })
    const partial = await manual('one tag only', { tags: ['zone:a'] })
    const untagged = await manual('untagged')
    const bobs = await manual('bob same tags', { tags: ['zone:a', 'db'] }, bob)
    // 100 s apart: server-judged outages within 90 s of each other would join one incident group.
    for (const m of [before, later, partial, untagged]) {
      await set(m.id, 'down')
      t.clock.advance(100_000)
    }
    await set(bobs.id, 'down', bob)
    expect(openedFor(before.id)).toMatchObject({ paging: false, suppressed: 'maintenance' })
    expect(openedFor(later.id)).toMatchObject({ paging: false, suppressed: 'maintenance' })
    expect(openedFor(partial.id)).toMatchObject({ paging: true, suppressed: null })
    expect(openedFor(untagged.id)).toMatchObject({ paging: true, suppressed: null })
    // Another owner's monitor with the same labels is never covered.
    expect(openedFor(bobs.id)).toMatchObject({ paging: true, suppressed: null })
    const listed = await ok<{ id: string; tags: string[] | null }[]>('GET', '/maintenance')
    expect(listed.find((x) => x.id === w.json().id)?.tags).toEqual(['zone:a', 'db'])
    expect((await ok<{ id: string }[]>('GET', '/maintenance', undefined, bob)).map((x) => x.id)).not.toContain(
      w.json().id,
    )
  })

  it('follows a rename of the tag by its owner, and updates a window to tags and back', async () => {
    const w = (await window({ tags: ['rack:1'] })).json() as { id: string }
    const sil = await ok('POST', '/silences', { name: 'rack', tags: ['rack:1', 'db'], duration_minutes: 30 })
    const bobsWindow = (await window({ tags: ['rack:1'] }, bob)).json() as { id: string }
    const m = await manual('racked', { tags: ['rack:1'] })
    const tags = await ok<{ id: string; key: string; value: string | null }[]>('GET', '/tags')
    const rack = tags.find((x) => x.key === 'rack' && x.value === '1')!
    await ok('PATCH', `/tags/${rack.id}`, { label: 'rack:2' })
    const after = await ok<{ id: string; tags: string[] | null }[]>('GET', '/maintenance')
    expect(after.find((x) => x.id === w.id)?.tags).toEqual(['rack:2'])
    const silences = await ok<{ id: string; tags: string[] | null }[]>('GET', '/silences')
    expect(silences.find((x) => x.id === sil.id)?.tags).toEqual(['rack:2', 'db'])
    // Bob's selector names Bob's labels: Alice's rename leaves it alone.
    const bobs = await ok<{ id: string; tags: string[] | null }[]>('GET', '/maintenance', undefined, bob)
    expect(bobs.find((x) => x.id === bobsWindow.id)?.tags).toEqual(['rack:1'])
    await set(m.id, 'down')
    expect(openedFor(m.id)).toMatchObject({ paging: false, suppressed: 'maintenance' })
    const schedule = { kind: 'weekly', days: [0], start: '01:00', end: '02:00', timezone: 'UTC' }
    const put = await ok<{ tags: string[] | null; monitor_id: string | null }>('PUT', `/maintenance/${w.id}`, {
      name: 'moved',
      monitor_id: m.id,
      schedule,
    })
    expect(put).toMatchObject({ tags: null, monitor_id: m.id })
  })

  it('refuses a monitor, a group or tags together, malformed tags and empty or oversized selectors', async () => {
    const m = await manual('target')
    const g = await ok('POST', '/groups', { name: 'G tags' })
    const before = (await ok<unknown[]>('GET', '/maintenance')).length
    expect(await issue(await window({ monitor_id: m.id, tags: ['db'] }))).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.tags',
    ])
    expect(await issue(await window({ group_id: g.id, tags: ['db'] }))).toEqual([400, 'VALIDATION_FAILED', 'body.tags'])
    expect(await issue(await window({ tags: [] }))).toEqual([400, 'VALIDATION_FAILED', 'body.tags'])
    expect(await issue(await window({ tags: ['bad key!'] }))).toEqual([400, 'VALIDATION_FAILED', 'body.tags.0'])
    const many = Array.from({ length: 33 }, (_, i) => `t${i}`)
    expect(await issue(await window({ tags: many }))).toEqual([400, 'VALIDATION_FAILED', 'body.tags'])
    expect((await ok<unknown[]>('GET', '/maintenance')).length).toBe(before)
  })
})

describe('silences targeting tags', () => {
  const silence = (body: object, user = alice) =>
    req('POST', '/silences', { name: 'deploy', duration_minutes: 30, ...body }, user)

  it('covers the owner’s monitors carrying every tag at evaluation time, never another owner’s', async () => {
    const s = await silence({ tags: ['svc:api'] })
    expect(s.statusCode, s.body).toBe(201)
    expect(s.json()).toMatchObject({ monitor_id: null, tags: ['svc:api'], active: true })
    const tagged = await manual('api', { tags: ['svc:api'] })
    const other = await manual('web', { tags: ['svc:web'] })
    const bobs = await manual('bob api', { tags: ['svc:api'] }, bob)
    const now = t.clock.now()
    expect(await t.deps.repos.maintenance.activeSilences(alice.id, tagged.id, now)).toHaveLength(1)
    expect(await t.deps.repos.maintenance.activeSilences(alice.id, other.id, now)).toHaveLength(0)
    expect(await t.deps.repos.maintenance.activeSilences(bob.id, bobs.id, now)).toHaveLength(0)
    // Tagged later: covered from then on.
    await ok('PATCH', `/monitors/${other.id}`, { tags: ['svc:web', 'svc:api'] })
    expect(await t.deps.repos.maintenance.activeSilences(alice.id, other.id, now)).toHaveLength(1)
    const listed = await ok<{ id: string; tags: string[] | null }[]>('GET', '/silences')
    expect(listed.find((x) => x.id === s.json().id)?.tags).toEqual(['svc:api'])
    expect((await ok<{ id: string }[]>('GET', '/silences', undefined, bob)).map((x) => x.id)).not.toContain(s.json().id)
  })

  it('refuses a monitor and tags together, and malformed tags', async () => {
    const m = await manual('silenced')
    const before = (await ok<unknown[]>('GET', '/silences')).length
    expect(await issue(await silence({ monitor_id: m.id, tags: ['db'] }))).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.tags',
    ])
    expect(await issue(await silence({ tags: [] }))).toEqual([400, 'VALIDATION_FAILED', 'body.tags'])
    expect(await issue(await silence({ tags: ['a,b'] }))).toEqual([400, 'VALIDATION_FAILED', 'body.tags.0'])
    expect((await ok<unknown[]>('GET', '/silences')).length).toBe(before)
  })
})
