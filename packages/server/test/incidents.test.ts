import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepProbeLiveness, sweepSuspectProbes } from '../src/modules/incidents/index.js'
import {
  createTestContext,
  HTTP_MONITOR,
  type RecordedEvent,
  recordEvents,
  registerProbe,
  type TestContext,
  type TestUser,
  uploadResults,
} from './helpers.js'

let t: TestContext
let admin: TestUser
let alice: TestUser
let bob: TestUser
const events: RecordedEvent[] = []

beforeAll(async () => {
  t = await createTestContext()
  admin = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  recordEvents(
    t,
    [
      'IncidentOpened',
      'IncidentUpdated',
      'IncidentResolved',
      'IncidentReleased',
      'MonitorFlapping',
      'ProbeOffline',
      'ProbeOnline',
      'ProbeSuspect',
      'ConfirmationRequested',
    ],
    events,
  )
})
afterAll(() => t.close())

const monitor = async (user = alice, extra: object = {}) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitors',
      headers: user.auth,
      payload: { ...HTTP_MONITOR, ...extra },
    })
  ).json() as { id: string }
const eventsFor = (monitorId: string) => events.filter((e) => e.payload.monitorId === monitorId)
const get = (url: string, user = alice) => t.app.inject({ url: `/api/v1${url}`, headers: user.auth })
const post = (url: string, payload?: object, user = alice) =>
  t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) })

/** Two failing checks in a row from each probe (the default failure threshold). */
async function fail(keys: string[], monitorId: string) {
  for (let i = 0; i < 2; i++) {
    for (const k of keys) await uploadResults(t, k, [{ monitor_id: monitorId, status: 'down' }])
    t.clock.advance(1000)
  }
}
async function recover(keys: string[], monitorId: string) {
  for (let i = 0; i < 2; i++) {
    for (const k of keys) await uploadResults(t, k, [{ monitor_id: monitorId, status: 'up' }])
    t.clock.advance(1000)
  }
}

describe('multi-probe verdicts through the API', () => {
  let eu1: { id: string; api_key: string }
  let eu2: { id: string; api_key: string }
  let us1: { id: string; api_key: string }
  beforeAll(async () => {
    eu1 = await registerProbe(t, admin, 'eu-1', { location_name: 'Paris' })
    eu2 = await registerProbe(t, admin, 'eu-2', { location_name: 'Paris' })
    us1 = await registerProbe(t, admin, 'us-1', { location_name: 'Virginia' })
  })

  it('one probe failing while others see it up is probe-local: no incident, confirmation requested', async () => {
    const m = await monitor()
    await recover([eu1.api_key, eu2.api_key, us1.api_key], m.id)
    await fail([eu1.api_key], m.id)
    expect((await get(`/monitors/${m.id}/incidents`)).json()).toHaveLength(0)
    const confirm = eventsFor(m.id).find((e) => e.name === 'ConfirmationRequested')
    expect(confirm?.payload.probeIds).toEqual(expect.arrayContaining([eu2.id, us1.id]))
    expect((await get(`/monitors/${m.id}`)).json().status).toBe('up')
  })

  it('the failing probes sharing a region open one regional incident, escalated to global once, then resolved', async () => {
    const m = await monitor()
    await recover([eu1.api_key, eu2.api_key, us1.api_key], m.id)
    await fail([eu1.api_key, eu2.api_key], m.id)
    let list = (await get('/incidents?resolved=false'))
      .json()
      .filter((i: { monitor_id: string }) => i.monitor_id === m.id)
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ scope: 'regional', paged: true, status: 'open' })
    expect(list[0].affected_probe_ids.sort()).toEqual([eu1.id, eu2.id].sort())

    await fail([us1.api_key], m.id)
    list = (await get('/incidents?resolved=false')).json().filter((i: { monitor_id: string }) => i.monitor_id === m.id)
    expect(list[0].scope).toBe('global')

    await recover([eu1.api_key, eu2.api_key, us1.api_key], m.id)
    // Notified changes: open, one escalation, resolution. Narrowing while probes recover one by one
    // updates the incident (affected probes) without being an escalation.
    const incidentEvents = eventsFor(m.id).filter((e) => e.name.startsWith('Incident'))
    const notified = incidentEvents.filter((e) => e.name !== 'IncidentUpdated' || e.payload.escalated)
    expect(notified.map((e) => e.name)).toEqual(['IncidentOpened', 'IncidentUpdated', 'IncidentResolved'])
    expect(notified[1]?.payload).toMatchObject({ escalated: true, previousScope: 'regional', scope: 'global' })
    expect(incidentEvents.filter((e) => e.name === 'IncidentOpened')).toHaveLength(1)
    const detail = (await get(`/incidents/${list[0].id}`)).json()
    expect(detail.status).toBe('resolved')
    const kinds = detail.timeline.map((e: { kind: string }) => e.kind)
    expect(kinds[0]).toBe('opened')
    expect(kinds[1]).toBe('escalated')
    expect(kinds.at(-1)).toBe('resolved')
    expect(detail.postmortem).toContain('# Post-mortem')
    expect(detail.postmortem).toContain('Escalated regional → **global**')
  })
})

describe('incident groups: one page per root cause', () => {
  it('a second global outage on the same probe moments after the first joins its group and pages only when the first ends', async () => {
    const k = (await registerProbe(t, admin, 'grouper')).api_key
    const a = await monitor()
    const b = await monitor()
    await fail([k], a.id)
    await fail([k], b.id)
    const openA = eventsFor(a.id).find((e) => e.name === 'IncidentOpened')?.payload
    const openB = eventsFor(b.id).find((e) => e.name === 'IncidentOpened')?.payload
    expect(openA).toMatchObject({ paging: true })
    expect(openB).toMatchObject({ paging: false, suppressed: 'grouped' })
    expect(openB?.groupId).toBeTruthy()
    const ia = (await get(`/incidents/${String(openA?.incidentId)}`)).json()
    expect(ia.group_id).toBe(openB?.groupId)
    const group = (await get(`/incident-groups/${String(openB?.groupId)}`)).json()
    expect(group).toMatchObject({ reason: 'probes', status: 'open', leader_incident_id: openA?.incidentId })
    expect(group.incidents).toHaveLength(2)
    expect((await get(`/incident-groups/${String(openB?.groupId)}`, bob)).statusCode).toBe(404)
    expect((await get('/incident-groups?status=open')).json().map((g: { id: string }) => g.id)).toContain(
      openB?.groupId,
    )
    // The leader recovers while b is still down: b takes over and pages now.
    await recover([k], a.id)
    await uploadResults(t, k, [{ monitor_id: b.id, status: 'down' }])
    t.clock.advance(1000)
    expect(eventsFor(b.id).find((e) => e.name === 'IncidentReleased')?.payload.reason).toMatch(/grouped outage/)
    await recover([k], b.id)
    expect(eventsFor(b.id).find((e) => e.name === 'IncidentResolved')?.payload).toMatchObject({ paged: true })
  })
})

describe('incident actions', () => {
  let key: string
  beforeAll(async () => {
    key = (await registerProbe(t, admin, 'solo')).api_key
  })

  it('acks, snoozes, takes updates, and hides incidents from other tenants', async () => {
    const m = await monitor()
    await fail([key], m.id)
    const id = (await get(`/monitors/${m.id}/incidents`)).json()[0].id as string
    expect((await get(`/incidents/${id}`, bob)).statusCode).toBe(404)
    expect((await post(`/incidents/${id}/ack`, undefined, bob)).statusCode).toBe(404)
    expect((await get('/incidents', bob)).json().map((i: { id: string }) => i.id)).not.toContain(id)

    const acked = (await post(`/incidents/${id}/ack`)).json()
    expect(acked).toMatchObject({ acked_by: 'alice' })
    expect((await post(`/incidents/${id}/snooze`, { duration_minutes: 2 })).statusCode).toBe(400)
    const snoozed = (await post(`/incidents/${id}/snooze`, { duration_minutes: 60 })).json()
    expect(Date.parse(snoozed.snooze_until) - t.clock.now()).toBe(3_600_000)
    const updates = (
      await post(`/incidents/${id}/updates`, { status: 'identified', message: 'DNS change rolled back' })
    ).json()
    expect(updates).toHaveLength(1)
    const pm = (await get(`/incidents/${id}/postmortem`)).json()
    expect(pm.content).toContain('_in progress_')

    await recover([key], m.id)
    const done = (await get(`/incidents/${id}`)).json()
    expect(done).toMatchObject({ status: 'resolved', acked_at: null, snooze_until: null })
    expect(done.postmortem).toContain('DNS change rolled back')
    expect((await post(`/incidents/${id}/ack`)).json().code).toBe('CONFLICT')
  })

  it('bulk-acks only open, un-acked incidents the caller may see', async () => {
    const a = await monitor()
    const b = await monitor()
    await fail([key], a.id)
    await fail([key], b.id)
    const ids = [a.id, b.id].map(async (id) => (await get(`/monitors/${id}/incidents`)).json()[0].id as string)
    const [ia, ib] = await Promise.all(ids)
    await post(`/incidents/${ia}/ack`)
    const res = (await post('/incidents/bulk-ack', { ids: [ia, ib, 'nope'] })).json()
    expect(res).toEqual({ affected: 1 })
  })
})

describe('maintenance, dependencies and silences', () => {
  let key: string
  beforeAll(async () => {
    key = (await registerProbe(t, admin, 'maint')).api_key
  })

  it('an outage inside a maintenance window does not page, and pages when the window ends while still down', async () => {
    const m = await monitor()
    const start = new Date(t.clock.now() - 60_000).toISOString()
    const end = new Date(t.clock.now() + 10 * 60_000).toISOString()
    const w = await post('/maintenance', {
      name: 'upgrade',
      monitor_id: m.id,
      schedule: { kind: 'once', starts_at: start, ends_at: end },
    })
    expect(w.statusCode).toBe(201)
    expect(w.json().active).toBe(true)
    await fail([key], m.id)
    const opened = eventsFor(m.id).find((e) => e.name === 'IncidentOpened')
    expect(opened?.payload).toMatchObject({ paging: false, suppressed: 'maintenance' })
    t.clock.advance(11 * 60_000)
    await uploadResults(t, key, [{ monitor_id: m.id, status: 'down' }])
    const { releaseSuppressed } = await import('../src/modules/incidents/index.js')
    expect(await releaseSuppressed(t.deps)).toBe(1)
    expect(eventsFor(m.id).filter((e) => e.name === 'IncidentReleased')).toHaveLength(1)
    expect(await releaseSuppressed(t.deps)).toBe(0)
  })

  it('a child down while its parent is down does not page; it pages if still down after the parent recovers', async () => {
    const parent = await monitor()
    const child = await monitor()
    expect((await post(`/monitors/${child.id}/dependencies`, { parent_id: parent.id })).statusCode).toBe(201)
    expect((await post(`/monitors/${parent.id}/dependencies`, { parent_id: child.id })).json().code).toBe('CONFLICT')
    expect((await post(`/monitors/${child.id}/dependencies`, { parent_id: child.id })).statusCode).toBe(400)
    await fail([key], parent.id)
    await fail([key], child.id)
    expect(eventsFor(child.id).find((e) => e.name === 'IncidentOpened')?.payload).toMatchObject({
      paging: false,
      suppressed: 'dependency',
    })
    await recover([key], parent.id)
    const { releaseSuppressed } = await import('../src/modules/incidents/index.js')
    await releaseSuppressed(t.deps)
    expect(eventsFor(child.id).find((e) => e.name === 'IncidentReleased')?.payload.reason).toBe(
      'parent recovered, still down',
    )
  })

  it('validates schedules and keeps silences per owner', async () => {
    const bad = await post('/maintenance', {
      name: 'x',
      schedule: { kind: 'cron', cron: 'every day', duration_minutes: 5, timezone: 'UTC' },
    })
    expect(bad.statusCode).toBe(400)
    const weekly = await post('/maintenance', {
      name: 'nightly',
      schedule: { kind: 'weekly', days: [0, 1, 2, 3, 4], start: '23:00', end: '01:00', timezone: 'Europe/Paris' },
    })
    expect(weekly.json().next_start).toBeTruthy()
    const s = await post('/silences', { name: 'deploy', duration_minutes: 60 })
    expect(s.json()).toMatchObject({ active: true })
    expect((await get('/silences', bob)).json()).toHaveLength(0)
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/silences/${s.json().id}`, headers: bob.auth })).statusCode,
    ).toBe(404)
    expect((await post(`/silences/${s.json().id}/end`)).json().active).toBe(false)
    expect((await post('/silences', { name: 'no end' })).statusCode).toBe(400)
  })
})

describe('probe health', () => {
  it('marks a silent probe offline once, drops it from the quorum, and back online', async () => {
    const p = await registerProbe(t, admin, 'flaky-net')
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/heartbeat',
      headers: { 'x-probe-api-key': p.api_key },
      payload: {},
    })
    t.clock.advance(121_000)
    await sweepProbeLiveness(t.deps)
    await sweepProbeLiveness(t.deps)
    expect(events.filter((e) => e.name === 'ProbeOffline' && e.payload.probeId === p.id)).toHaveLength(1)
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/probes/heartbeat',
      headers: { 'x-probe-api-key': p.api_key },
      payload: {},
    })
    await sweepProbeLiveness(t.deps)
    expect(events.filter((e) => e.name === 'ProbeOnline' && e.payload.probeId === p.id)).toHaveLength(1)
  })

  it('a probe failing many monitors the others see up becomes suspect and stops voting', async () => {
    const bad = await registerProbe(t, admin, 'bad-isp')
    const good = await registerProbe(t, admin, 'good-isp')
    const monitors = await Promise.all([1, 2, 3, 4].map(() => monitor()))
    for (const m of monitors) {
      await recover([good.api_key], m.id)
      await fail([bad.api_key], m.id)
    }
    await sweepSuspectProbes(t.deps)
    expect(events.find((e) => e.name === 'ProbeSuspect' && e.payload.probeId === bad.id)?.payload).toMatchObject({
      state: 'started',
      failingMonitors: 4,
    })
    // With the good probe gone quiet, the suspect probe alone cannot open an incident.
    const m = await monitor()
    await fail([bad.api_key], m.id)
    expect((await get(`/monitors/${m.id}/incidents`)).json()).toHaveLength(0)
  })
})

describe('incident groups by monitor group', () => {
  it('half of a monitor group down within 2 min joins one group, even on different probes', async () => {
    // Fresh sessions: the fake clock has run past the first users' access tokens by now.
    const root = await t.createUser({ username: 'root-mg', superadmin: true })
    const carol = await t.createUser({ username: 'carol' })
    const k1 = (await registerProbe(t, root, 'mg-1')).api_key
    const k2 = (await registerProbe(t, root, 'mg-2')).api_key
    const g = (await post('/groups', { name: 'Checkout backend' }, carol)).json()
    const a = await monitor(carol, { group_id: g.id })
    const b = await monitor(carol, { group_id: g.id })
    await fail([k1], a.id)
    t.clock.advance(60_000)
    await fail([k2], b.id)
    const openB = eventsFor(b.id).find((e) => e.name === 'IncidentOpened')?.payload
    expect(openB).toMatchObject({ paging: false, suppressed: 'grouped' })
    const group = (await get(`/incident-groups/${String(openB?.groupId)}`, carol)).json()
    expect(group).toMatchObject({ reason: 'monitor_group', status: 'open' })
    expect(group.incidents).toHaveLength(2)
  })
})
