import { describe, expect, it } from 'vitest'
import { ruleTargets } from '../src/modules/alerting/rules.js'
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

const group = (name: string, user = alice) => ok('POST', '/groups', { name }, user)
const composite = (name: string, extra: object = {}, user = alice) =>
  ok('POST', '/monitors', { name, check_type: 'composite', ...extra }, user)
const status = async (id: string) => (await ok<{ status: string }>('GET', `/monitors/${id}`)).status
const openCause = async (id: string) =>
  (await ok<{ status: string; cause: string }[]>('GET', `/monitors/${id}/incidents`)).find((i) => i.status === 'open')
    ?.cause
const issue = async (res: Awaited<ReturnType<typeof req>>) => [
  res.statusCode,
  res.json().details?.issues?.[0]?.path,
  res.json().details?.issues?.[0]?.message ?? res.json().message,
]

describe('maintenance windows targeting a group', () => {
  it('covers the group’s members at evaluation time, including one filed after the window was made', async () => {
    const g = await group('Maintained')
    const before = await manual('in group before', { group_id: g.id })
    const w = await window({ group_id: g.id })
    expect(w.statusCode, w.body).toBe(201)
    expect(w.json()).toMatchObject({ group_id: g.id, monitor_id: null, active: true })
    const later = await manual('filed later')
    await ok('PATCH', `/monitors/${later.id}`, { group_id: g.id })
    const outside = await manual('outside')
    for (const m of [before, later, outside]) await set(m.id, 'down')
    const byMonitor = (id: string) => opened.find((e) => e.monitorId === id)
    expect(byMonitor(before.id)).toMatchObject({ paging: false, suppressed: 'maintenance' })
    expect(byMonitor(later.id)).toMatchObject({ paging: false, suppressed: 'maintenance' })
    expect(byMonitor(outside.id)).toMatchObject({ paging: true, suppressed: null })
    expect((await ok<{ id: string }[]>('GET', '/maintenance')).map((x) => x.id)).toContain(w.json().id)
  })

  it('a monitor that left the group is no longer covered', async () => {
    const g = await group('Left behind')
    const m = await manual('leaver', { group_id: g.id })
    expect((await window({ group_id: g.id })).statusCode).toBe(201)
    await ok('POST', '/monitors/bulk', { ids: [m.id], action: 'set_group', group_id: null })
    await set(m.id, 'down')
    expect(opened.find((e) => e.monitorId === m.id)).toMatchObject({ paging: true })
  })

  it('refuses another tenant’s group, an unknown group, and a monitor and a group together', async () => {
    const g = await group('Alice maintenance')
    const m = await manual('target')
    expect(await issue(await window({ group_id: g.id }, bob))).toEqual([400, 'body.group_id', 'unknown group'])
    expect(await issue(await window({ group_id: 'nope' }))).toEqual([400, 'body.group_id', 'unknown group'])
    expect((await issue(await window({ group_id: g.id, monitor_id: m.id })))[0]).toBe(400)
  })

  it('deleting the group deletes its windows rather than widening them to every monitor', async () => {
    const g = await group('Short lived')
    const w = (await window({ group_id: g.id })).json()
    expect((await req('DELETE', `/groups/${g.id}`)).statusCode).toBe(204)
    expect((await ok<{ id: string }[]>('GET', '/maintenance')).map((x) => x.id)).not.toContain(w.id)
    const m = await manual('not covered')
    await set(m.id, 'down')
    expect(opened.find((e) => e.monitorId === m.id)).toMatchObject({ paging: true })
  })
})

describe('alert rules targeting a group or tags', () => {
  const rule = (target: object, user = alice) =>
    req('POST', '/alerts/rules', { name: 'group rule', condition: 'any_down', target }, user)
  const targeted = async (monitorId: string) => {
    const m = (await t.deps.repos.monitors.findManyByIds([monitorId]))[0]!
    return (await t.deps.repos.alerts.rulesForMonitors([m])).filter((r) => ruleTargets(r, m)).map((r) => r.id)
  }

  it('a group rule watches the group’s members now, and stops when a monitor leaves', async () => {
    const g = await group('Watched')
    const r = await rule({ kind: 'group', group_id: g.id })
    expect(r.statusCode, r.body).toBe(201)
    expect(r.json().target).toEqual({ kind: 'group', group_id: g.id })
    const m = await manual('watched member')
    expect(await targeted(m.id)).not.toContain(r.json().id)
    await ok('PATCH', `/monitors/${m.id}`, { group_id: g.id })
    expect(await targeted(m.id)).toContain(r.json().id)
    await ok('PATCH', `/monitors/${m.id}`, { group_id: null })
    expect(await targeted(m.id)).not.toContain(r.json().id)
  })

  it('a tag rule watches only its owner’s monitors carrying every tag', async () => {
    const r = (await rule({ kind: 'tag', tags: ['env:prod', 'critical'] })).json()
    const both = await manual('both tags', { tags: ['env:prod', 'critical', 'extra'] })
    const one = await manual('one tag', { tags: ['env:prod'] })
    const bobs = await manual('bob same tags', { tags: ['env:prod', 'critical'] }, bob)
    expect(await targeted(both.id)).toContain(r.id)
    expect(await targeted(one.id)).not.toContain(r.id)
    expect(await targeted(bobs.id)).not.toContain(r.id)
  })

  it('still lists a tag rule stored before tags existed with a label no longer valid', async () => {
    const now = t.clock.now()
    const id = '01900000-0000-7000-8000-0000000000aa'
    await t.deps.repos.alerts.saveRule(
      {
        id,
        owner_id: alice.id,
        team_id: null,
        name: 'legacy',
        condition: 'any_down',
        target_kind: 'tag',
        monitor_id: null,
        group_id: null,
        tag_selector: JSON.stringify(['has space']),
        enabled: 1,
        params: '{}',
        created_at: now,
        updated_at: now,
      },
      [],
      true,
    )
    const rules = await ok<{ id: string; target: object }[]>('GET', '/alerts/rules')
    expect(rules.find((r) => r.id === id)?.target).toEqual({ kind: 'tag', tags: ['has space'] })
  })

  it('refuses a group the rule owner cannot see, and malformed tags', async () => {
    const g = await group('Alice rules')
    expect(await issue(await rule({ kind: 'group', group_id: g.id }, bob))).toEqual([
      400,
      'body.target.group_id',
      'unknown group',
    ])
    expect((await rule({ kind: 'tag', tags: ['bad key'] })).statusCode).toBe(400)
  })
})

describe('composite monitors with group members', () => {
  const addGroup = (id: string, groupId: string, extra: object = {}, user = alice) =>
    req('POST', `/monitors/${id}/composite-members`, { group_id: groupId, ...extra }, user)

  it.each([
    // rule, member states (a, b, c in the group), expected status, names down in the cause
    ['all_up', ['up', 'up', 'up'], 'up', null],
    ['all_up', ['up', 'down', 'up'], 'down', ['g-b']],
    ['any_up', ['down', 'down', 'up'], 'up', null],
    ['any_up', ['down', 'down', 'down'], 'down', ['g-a', 'g-b', 'g-c']],
    ['majority_up', ['up', 'up', 'down'], 'up', null],
    ['majority_up', ['up', 'down', 'down'], 'down', ['g-b', 'g-c']],
    ['all_up', ['up', 'degraded', 'up'], 'degraded', null],
  ] as const)('%s with group members %j is %s', async (rule, states, expected, downNames) => {
    const g = await group(`G ${rule} ${states.join('-')}`)
    const members = []
    for (const n of ['g-a', 'g-b', 'g-c']) members.push(await manual(n, { group_id: g.id }))
    const c = await composite(`C ${rule} ${states.join('-')}`, { rule })
    const added = await addGroup(c.id, g.id)
    expect(added.statusCode, added.body).toBe(201)
    for (const [i, s] of states.entries()) await set(members[i]!.id, s)
    expect(await status(c.id)).toBe(expected)
    if (downNames) {
      const cause = await openCause(c.id)
      expect(cause).toContain(`Members down (${downNames.length} of 3)`)
      for (const n of downNames) expect(cause).toContain(`${n} (${g.name})`)
    }
  })

  it('lists a group member with its worst state, and follows membership changes', async () => {
    const g = await group('Moving')
    const a = await manual('moving a', { group_id: g.id })
    const c = await composite('follows membership', { rule: 'all_up' })
    expect((await addGroup(c.id, g.id, { weight: 2 })).statusCode).toBe(201)
    await set(a.id, 'up')
    expect(await status(c.id)).toBe('up')
    const list = await ok<object[]>('GET', `/monitors/${c.id}/composite-members`)
    expect(list).toEqual([
      {
        member_type: 'group',
        monitor_id: g.id,
        name: 'Moving',
        check_type: 'group',
        status: 'up',
        weight: 2,
        role: null,
      },
    ])
    // A down monitor joining the group turns the composite down...
    const b = await manual('moving b')
    await set(b.id, 'down')
    await ok('PATCH', `/monitors/${b.id}`, { group_id: g.id })
    expect(await status(c.id)).toBe('down')
    // ...and leaving it (bulk) turns it up again.
    await ok('POST', '/monitors/bulk', { ids: [b.id], action: 'set_group', group_id: null })
    expect(await status(c.id)).toBe('up')
    // A member of the group deleted: re-evaluated without it.
    await ok('PATCH', `/monitors/${b.id}`, { group_id: g.id })
    expect(await status(c.id)).toBe('down')
    expect((await req('DELETE', `/monitors/${b.id}`)).statusCode).toBe(204)
    expect(await status(c.id)).toBe('up')
    // The group deleted: the composite has no member left.
    expect((await req('DELETE', `/groups/${g.id}`)).statusCode).toBe(204)
    expect(await ok<object[]>('GET', `/monitors/${c.id}/composite-members`)).toEqual([])
    expect(await status(c.id)).toBe('unknown')
  })

  it('refuses cycles through groups, other tenants’ groups and duplicates', async () => {
    const g = await group('Loop')
    const outer = await composite('outer', { group_id: g.id })
    const inner = await composite('inner')
    // outer is in the group: the group cannot become a member of outer.
    const self = await issue(await addGroup(outer.id, g.id))
    expect(self.slice(0, 2)).toEqual([400, 'body.group_id'])
    expect(self[2]).toContain('cycle')
    // inner holds the group; outer holds inner: outer ∈ g ⊂ inner ⊂ outer.
    const other = await group('Loop 2')
    expect((await addGroup(inner.id, other.id)).statusCode).toBe(201)
    expect((await req('POST', `/monitors/${outer.id}/composite-members`, { monitor_id: inner.id })).statusCode).toBe(
      201,
    )
    const filed = await issue(await req('PATCH', `/monitors/${outer.id}`, { group_id: other.id }))
    expect(filed.slice(0, 2)).toEqual([400, 'body.group_id'])
    expect(filed[2]).toContain('cycle')
    const bulk = await issue(
      await req('POST', '/monitors/bulk', { ids: [outer.id], action: 'set_group', group_id: other.id }),
    )
    expect(bulk.slice(0, 2)).toEqual([400, 'body.group_id'])
    expect((await ok<{ group_id: string }>('GET', `/monitors/${outer.id}`)).group_id).toBe(g.id)
    expect((await addGroup(inner.id, other.id)).statusCode).toBe(409)
    const bobs = await group('Bob group', bob)
    expect(await issue(await addGroup(inner.id, bobs.id))).toEqual([400, 'body.group_id', 'unknown group'])
    expect((await req('POST', `/monitors/${inner.id}/composite-members`, {})).statusCode).toBe(400)
  })
})
