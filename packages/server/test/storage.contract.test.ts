import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../src/core/ids.js'
import type { Repos } from '../src/storage/repositories/index.js'
import { createTestContext, dialectUnderTest, type TestContext } from './helpers.js'

/** The same contract on SQLite (`npm test`) and PostgreSQL (`npm run test:pg`). */
describe(`storage contract (${dialectUnderTest})`, () => {
  let t: TestContext
  let repos: Repos
  let ownerId: string
  beforeAll(async () => {
    t = await createTestContext()
    repos = t.deps.repos
    ownerId = (await t.createUser()).id
  })
  afterAll(() => t.close())

  const T0 = 1_767_225_600_000 // beyond 2^31 ms: int8 must round-trip as a number
  async function insertMonitor(extra: Partial<Parameters<Repos['monitors']['insert']>[0]> = {}) {
    const id = newId()
    await repos.monitors.insert({
      id,
      owner_id: ownerId,
      team_id: null,
      name: 'm',
      check_type: 'http',
      enabled: 1,
      interval_seconds: 60,
      timeout_seconds: 10,
      network_scope: 'all',
      url: 'http://127.0.0.1/',
      config: '{}',
      created_at: T0,
      updated_at: T0,
      ...extra,
    })
    return id
  }
  async function insertProbe(name: string) {
    const id = newId()
    await repos.probes.insert({
      id,
      name,
      location_name: '',
      latitude: 48.85,
      longitude: 2.35,
      network_type: 'external',
      key_hash: `hash-${name}`,
      key_prefix: 'wiu_',
      is_active: 1,
      is_embedded: 0,
      last_seen_at: null,
      health: null,
      created_at: T0,
      updated_at: T0,
      region: null,
      asn: null,
      suspect_since: null,
      offline_since: null,
    })
    return id
  }

  it('round-trips epoch-ms integers and doubles as numbers', async () => {
    const probeId = await insertProbe('types')
    const p = await repos.probes.findById(probeId)
    expect(p?.created_at).toBe(T0)
    expect(typeof p?.created_at).toBe('number')
    expect(p?.latitude).toBeCloseTo(48.85)
  })

  it('finds a probe by key hash through the unique index, and rejects a duplicate hash', async () => {
    const id = await insertProbe('k1')
    expect((await repos.probes.findByKeyHash('hash-k1'))?.id).toBe(id)
    await expect(insertProbe('k1')).rejects.toThrow()
  })

  it('stores a result batch exactly once per (probe, batch_id)', async () => {
    const monitorId = await insertMonitor()
    const probeId = await insertProbe('batches')
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      monitor_id: monitorId,
      probe_id: probeId,
      checked_at: T0 + i * 1000,
      status: i % 3,
      latency_ms: i / 10,
      http_status: 200,
      detail: null,
    }))
    expect(await repos.results.insertBatch(probeId, 'b1', rows, T0)).toEqual({ duplicate: false })
    expect(await repos.results.insertBatch(probeId, 'b1', rows, T0)).toEqual({ duplicate: true })
    const latest = await repos.results.listForMonitor(monitorId, { limit: 5000, offset: 0 })
    expect(latest).toHaveLength(1200)
    expect(latest[0]?.checked_at).toBe(T0 + 1199_000)
    const since = await repos.results.listForMonitor(monitorId, { limit: 5000, offset: 0, since: T0 + 1190_000 })
    expect(since).toHaveLength(10)
  })

  it('enforces at most one open incident per monitor in the database', async () => {
    const monitorId = await insertMonitor()
    const base = {
      monitor_id: monitorId,
      cause: null,
      first_failure_at: T0,
      started_at: T0,
      affected_probe_ids: '[]',
      scope: 'global',
      suppressed: null,
      paged_at: T0,
      group_id: null,
    }
    const first = newId()
    expect(await repos.incidents.openIfNone({ ...base, id: first })).toBe(true)
    expect(await repos.incidents.openIfNone({ ...base, id: newId() })).toBe(false)
    await repos.incidents.resolve(first, T0 + 1000)
    expect(await repos.incidents.openIfNone({ ...base, id: newId() })).toBe(true)
    expect(await repos.incidents.listForMonitor(monitorId, { limit: 10 })).toHaveLength(2)
  })

  it('upserts derived state', async () => {
    const monitorId = await insertMonitor()
    const probeId = await insertProbe('state')
    const s = {
      monitor_id: monitorId,
      probe_id: probeId,
      status: 'up',
      checked_at: T0,
      since: T0,
      consecutive_failures: 0,
      consecutive_successes: 1,
      counted: 'up',
      failing_since: null,
      changes: '[]',
    }
    await repos.state.putProbeState(s)
    await repos.state.putProbeState({
      ...s,
      status: 'down',
      checked_at: T0 + 1,
      consecutive_failures: 1,
      consecutive_successes: 0,
    })
    expect(await repos.state.probeStates(monitorId)).toEqual([
      { ...s, status: 'down', checked_at: T0 + 1, consecutive_failures: 1, consecutive_successes: 0 },
    ])
    await repos.state.putMonitorState({
      monitor_id: monitorId,
      status: 'down',
      status_since: T0,
      last_checked_at: T0,
      last_latency_ms: 3.25,
      flapping: 0,
      scope: null,
    })
    expect((await repos.state.getMonitorState(monitorId))?.last_latency_ms).toBe(3.25)
  })

  it('scopes monitor reads to the owner and cascades deletes to dependants', async () => {
    const other = await t.createUser()
    const mine = await insertMonitor({ name: 'mine' })
    const ctxOther = { userId: other.id, isSuperadmin: false, canCreateMonitors: true, teams: [] }
    const ctxMine = { ...ctxOther, userId: ownerId }
    expect(await repos.monitors.findVisible(ctxOther, mine)).toBeUndefined()
    expect((await repos.monitors.findVisible(ctxMine, mine))?.name).toBe('mine')
    expect((await repos.monitors.findVisible({ ...ctxOther, isSuperadmin: true }, mine))?.name).toBe('mine')
    await repos.state.putMonitorState({
      monitor_id: mine,
      status: 'up',
      status_since: T0,
      last_checked_at: T0,
      last_latency_ms: 1,
      flapping: 0,
      scope: null,
    })
    await repos.monitors.delete(mine)
    expect(await repos.state.getMonitorState(mine)).toBeUndefined()
  })

  it('keeps settings as a key/value upsert', async () => {
    await repos.settings.set('k', 'v1')
    await repos.settings.set('k', 'v2')
    expect(await repos.settings.get('k')).toBe('v2')
    expect(await repos.settings.get('missing')).toBeUndefined()
  })
})
