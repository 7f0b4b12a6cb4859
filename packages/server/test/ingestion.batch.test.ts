import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

// One probe batch carries results for many monitors: they are evaluated together (one lock set,
// batched state reads and writes). Each monitor must still end exactly as if evaluated alone.

let t: TestContext
let admin: TestUser
let alice: TestUser
const events: RecordedEvent[] = []

beforeAll(async () => {
  t = await createTestContext()
  admin = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  recordEvents(t, ['IncidentOpened', 'IncidentResolved', 'MonitorStateChanged'], events)
})
afterAll(() => t.close())

const monitor = async (name: string) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/monitors',
      headers: alice.auth,
      payload: { ...HTTP_MONITOR, name },
    })
  ).json() as { id: string }
const get = (url: string) => t.app.inject({ url: `/api/v1${url}`, headers: alice.auth })
const openIncidents = async (monitorId: string) =>
  (await get('/incidents?resolved=false')).json().filter((i: { monitor_id: string }) => i.monitor_id === monitorId)

describe('batches with results for many monitors', () => {
  it('opens and resolves incidents only for the failing monitors, batches of three probes arriving together', async () => {
    const probes = await Promise.all(['a', 'b', 'c'].map((n) => registerProbe(t, admin, `batch-${n}`)))
    const [m1, m2, m3] = [await monitor('one'), await monitor('two'), await monitor('three')]
    const round = async (status: Record<string, 'up' | 'down'>) => {
      // The three probes' batches are in flight at once, each with all three monitors.
      await Promise.all(
        probes.map((p) =>
          uploadResults(
            t,
            p.api_key,
            [m1, m2, m3].map((m) => ({ monitor_id: m.id, status: status[m.id] ?? 'up' })),
          ),
        ),
      )
      t.clock.advance(1000)
    }
    for (let i = 0; i < 2; i++) await round({})
    for (let i = 0; i < 2; i++) await round({ [m1.id]: 'down', [m3.id]: 'down' })

    const opened = []
    for (const m of [m1, m3]) {
      const open = await openIncidents(m.id)
      expect(open).toHaveLength(1)
      expect(open[0].scope).toBe('global')
      expect(open[0].affected_probe_ids.sort()).toEqual(probes.map((p) => p.id).sort())
      expect((await get(`/monitors/${m.id}`)).json().status).toBe('down')
      opened.push(open[0])
    }
    // Two outages at once: the first pages, the second joins its group (and does not page).
    expect(opened.map((i) => i.paged).sort()).toEqual([false, true])
    expect(opened[0].group_id).toEqual(expect.any(String))
    expect(opened[1].group_id).toBe(opened[0].group_id)
    expect(await openIncidents(m2.id)).toHaveLength(0)
    const two = (await get(`/monitors/${m2.id}`)).json()
    expect(two.status).toBe('up')
    expect(Date.parse(two.last_checked_at)).toBe(t.clock.now() - 1000)

    for (let i = 0; i < 2; i++) await round({})
    for (const m of [m1, m2, m3]) expect(await openIncidents(m.id)).toHaveLength(0)
    const names = (id: string) => events.filter((e) => e.payload.monitorId === id).map((e) => e.name)
    expect(names(m1.id)).toEqual([
      'MonitorStateChanged',
      'MonitorStateChanged',
      'IncidentOpened',
      'MonitorStateChanged',
      'IncidentResolved',
    ])
    expect(names(m3.id)).toEqual(names(m1.id))
    expect(names(m2.id)).toEqual(['MonitorStateChanged'])
  })

  it('marks the probe seen when its batch is stored, not when the same batch is replayed', async () => {
    const p = await registerProbe(t, admin, 'seen')
    const m = await monitor('seen-target')
    const lastSeen = async () =>
      (await t.app.inject({ url: '/api/v1/probes', headers: admin.auth }))
        .json()
        .find((x: { id: string }) => x.id === p.id).last_seen_at as string | null
    const payload = {
      batch_id: 'seen-1',
      results: [{ monitor_id: m.id, checked_at: t.clock.now(), status: 'up', latency_ms: 12 }],
    }
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/probes/results',
        headers: { 'x-probe-api-key': p.api_key },
        payload,
      })
    const storedAt = t.clock.now()
    expect((await send()).json()).toEqual({ accepted: 1, duplicate: false })
    expect(await lastSeen()).toBe(new Date(storedAt).toISOString())
    t.clock.advance(60_000)
    expect((await send()).json()).toEqual({ accepted: 0, duplicate: true })
    expect(await lastSeen()).toBe(new Date(storedAt).toISOString())
  })
})
