import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deps } from '../src/core/deps.js'
import { newId } from '../src/core/ids.js'
import { ensurePartitionsAhead, purgeBefore, runRetention } from '../src/jobs/retention.js'
import { enforceBudget } from '../src/jobs/size-budget.js'
import { startStorageJobs } from '../src/jobs/storage-jobs.js'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../src/storage/timeseries/buckets.js'
import { listDayPartitions } from '../src/storage/timeseries/partitions.js'
import { createTestContext, dialectUnderTest, HTTP_MONITOR, type TestContext, type TestUser } from './helpers.js'

const pg = dialectUnderTest === 'postgres'

async function seed(t: TestContext, user: TestUser, opts: { days: number; everyMs: number; monitors?: number }) {
  const now = t.clock.now()
  const probe = newId()
  await t.deps.repos.probes.insert({
    id: probe,
    name: `p-${probe.slice(-6)}`,
    location_name: '',
    latitude: null,
    longitude: null,
    network_type: 'external',
    key_hash: `h-${probe}`,
    key_prefix: 'wiu_',
    is_active: 1,
    is_embedded: 0,
    last_seen_at: null,
    health: null,
    created_at: now,
    updated_at: now,
  } as never)
  const ids: string[] = []
  for (let i = 0; i < (opts.monitors ?? 2); i++) {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/monitors', headers: user.auth, payload: HTTP_MONITOR })
    ids.push((r.json() as { id: string }).id)
  }
  let batch = 0
  for (const monitorId of ids) {
    const items = []
    for (let at = now - opts.days * DAY_MS; at < now; at += opts.everyMs) {
      const down = Math.floor(at / HOUR_MS) % 10 === 0
      items.push({
        monitorId,
        at,
        status: (down ? 2 : 0) as 0 | 2,
        maintenance: false,
        latencyMs: 50,
        httpStatus: 200,
        timings: { connect_ms: 3 },
        detail: down ? '{"failure":{"phase":"connect","message":"x"}}' : null,
      })
    }
    for (let i = 0; i < items.length; i += 2000)
      await t.deps.repos.results.ingest({
        probeId: probe,
        networkType: 'external',
        batchId: `seed-${probe}-${batch++}`,
        now,
        rawCutoff: -Infinity,
        items: items.slice(i, i + 2000),
      })
  }
  return ids
}

const count = async (t: TestContext, table: 'ts_results' | 'ts_result_details' | 'ts_rollup_1m' | 'ts_rollup_1d') =>
  Number(
    (
      await t.deps.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
const oldest = async (t: TestContext) =>
  Number(
    (
      await t.deps.database.db
        .selectFrom('ts_results')
        .select((eb) => eb.fn.min('at').as('m'))
        .executeTakeFirstOrThrow()
    ).m,
  )

describe(`retention (${dialectUnderTest})`, () => {
  let t: TestContext
  let user: TestUser
  let monitors: string[]
  beforeAll(async () => {
    t = await createTestContext({ DATA_RETENTION_DAYS: '2', DETAIL_RETENTION_DAYS: '1' })
    t.clock.advance(10 * DAY_MS + 7 * HOUR_MS)
    user = await t.createUser()
    monitors = await seed(t, user, { days: 5, everyMs: 5 * MINUTE_MS })
  })
  afterAll(() => t.close())

  it('drops raw past retention, keeps day rollups, and uptime still answers from rollups', async () => {
    const url = `/api/v1/monitors/${monitors[0]}/uptime?hours=120`
    const before = (await t.app.inject({ method: 'GET', url, headers: user.auth })).json()
    const days = await count(t, 'ts_rollup_1d')
    const report = await runRetention(t.deps)
    const now = t.clock.now()
    const rawCutoff = Math.floor((now - 2 * DAY_MS) / HOUR_MS) * HOUR_MS
    if (pg) {
      // Whole day partitions only: nothing older than the cutoff's day remains.
      expect(report.droppedPartitions.some((p) => p.startsWith('ts_results_p'))).toBe(true)
      expect(await oldest(t)).toBeGreaterThanOrEqual(Math.floor(rawCutoff / DAY_MS) * DAY_MS)
    } else {
      expect(report.deleted.ts_results).toBeGreaterThan(0)
      expect(await oldest(t)).toBeGreaterThanOrEqual(rawCutoff)
    }
    expect(await count(t, 'ts_rollup_1d')).toBe(days)
    const oldestMinute = await t.deps.database.db
      .selectFrom('ts_rollup_1m')
      .select((eb) => eb.fn.min('bucket').as('m'))
      .executeTakeFirstOrThrow()
    expect(Number(oldestMinute.m) * MINUTE_MS).toBeGreaterThanOrEqual(now - 48 * HOUR_MS)
    const after = (await t.app.inject({ method: 'GET', url, headers: user.auth })).json()
    expect(after.uptime_percent).toBe(before.uptime_percent)
    expect(after.total_checks).toBe(before.total_checks)
    // A second pass finds nothing more to do.
    const again = await runRetention(t.deps)
    expect(again.droppedPartitions).toEqual([])
    expect(again.deleted.ts_results ?? 0).toBe(0)
  })

  it('rolls up results older than retention without storing them raw', async () => {
    const rawBefore = await count(t, 'ts_results')
    const probe = (await t.deps.repos.probes.list())[0]!
    await t.app.inject({ method: 'PATCH', url: `/api/v1/monitors/${monitors[0]}`, headers: user.auth, payload: {} })
    const { ingestBatch } = await import('../src/modules/ingestion/ingestion.service.js')
    const old = t.clock.now() - 4 * DAY_MS + 30_000
    const ack = await ingestBatch(t.deps, probe, {
      batch_id: 'late-replay',
      results: [{ monitor_id: monitors[0]!, checked_at: old, status: 'up', latency_ms: 5 }],
    })
    expect(ack.accepted).toBe(1)
    expect(await count(t, 'ts_results')).toBe(rawBefore)
    const day = Math.floor(old / DAY_MS) * 1440
    const mkey = (await t.deps.repos.series.findMonitorKey(monitors[0]!))!
    const [series] = await t.deps.repos.series.seriesOf([mkey])
    const row = await t.deps.database.db
      .selectFrom('ts_rollup_1d')
      .select('n')
      .where('skey', '=', series!.skey)
      .where('bucket', '=', day)
      .executeTakeFirstOrThrow()
    expect(row.n).toBe(288 + 1)
  })

  it("sweeps a deleted monitor's data in bounded statements", async () => {
    const victim = monitors[1]!
    const mkey = (await t.deps.repos.series.findMonitorKey(victim))!
    const series = await t.deps.repos.series.seriesOf([mkey])
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/monitors/${victim}`, headers: user.auth })
    expect(del.statusCode).toBe(204)
    const storage = t.deps.repos.storage
    const original = storage.deleteRange.bind(storage)
    const sizes: number[] = []
    storage.deleteRange = async (...args) => {
      const n = await original(...args)
      sizes.push(n)
      return n
    }
    try {
      const r = await runRetention(t.deps)
      expect(r.orphanMonitors).toBe(1)
    } finally {
      storage.deleteRange = original
    }
    expect(sizes.length).toBeGreaterThan(1)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10_000)
    const left = await t.deps.database.db
      .selectFrom('ts_rollup_1d')
      .select('skey')
      .where(
        'skey',
        'in',
        series.map((s) => s.skey),
      )
      .execute()
    expect(left).toEqual([])
    expect(await t.deps.repos.series.findMonitorKeys([victim])).toEqual(new Map())
  })

  it('purges in slices that adapt to the rows found', async () => {
    const keys = await t.deps.repos.storage.keys('ts_rollup_1h')
    const n = await purgeBefore(t.deps, 'ts_rollup_1h', t.clock.now() - 2 * DAY_MS, keys)
    expect(n).toBeGreaterThan(0)
    expect(await purgeBefore(t.deps, 'ts_rollup_1h', t.clock.now() - 2 * DAY_MS, keys)).toBe(0)
  })

  it('keeps everything with DATA_RETENTION_DAYS=0', async () => {
    const t0 = await createTestContext({ DATA_RETENTION_DAYS: '0' })
    try {
      t0.clock.advance(10 * DAY_MS)
      const u = await t0.createUser()
      await seed(t0, u, { days: 4, everyMs: 30 * MINUTE_MS, monitors: 1 })
      const raw = await count(t0, 'ts_results')
      await runRetention(t0.deps)
      expect(await count(t0, 'ts_results')).toBe(raw)
    } finally {
      await t0.close()
    }
  })
})

describe(`size budget (${dialectUnderTest})`, () => {
  it('discards the oldest raw data first, keeps rollups, warns with an event and a notice', async () => {
    const t = await createTestContext({ DATA_RETENTION_DAYS: '30' })
    try {
      t.clock.advance(20 * DAY_MS)
      const user = await t.createUser()
      await seed(t, user, { days: 6, everyMs: MINUTE_MS, monitors: 3 })
      await runRetention(t.deps) // settle (vacuum) before measuring
      const size = await t.deps.repos.storage.sizeBytes()
      const rawBytes = Object.values(await t.deps.repos.storage.tableBytes(['ts_results', 'ts_result_details'])).reduce(
        (a, b) => a + b,
        0,
      )
      const budget = Math.round(size - rawBytes * 0.4)
      const deps: Deps = { ...t.deps, config: { ...t.deps.config, MAX_DB_SIZE: budget } }
      const events: unknown[] = []
      t.deps.events.on('StorageBudgetExceeded', (e) => {
        events.push(e)
      })
      const daysBefore = await count(t, 'ts_rollup_1d')
      const oldestBefore = await oldest(t)
      const r = await enforceBudget(deps)
      expect(r?.actions.length).toBeGreaterThan(0)
      expect(r?.actions[0]).toMatch(/^result details before|^raw results before/)
      expect(r?.actions.every((a) => /^(result details|raw results) before/.test(a))).toBe(true)
      expect(await oldest(t)).toBeGreaterThan(oldestBefore)
      expect(await count(t, 'ts_rollup_1d')).toBe(daysBefore)
      if (!pg) expect(r?.sizeBytes).toBeLessThanOrEqual(budget)
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ budgetBytes: budget })
      const status = (await t.app.inject({ method: 'GET', url: '/api/v1/storage', headers: user.auth })).json()
      expect(status.notice).toMatchObject({ level: 'warning' })
      expect(status.notice.message).toMatch(/MAX_DB_SIZE/)
      // Comfortably under budget a day later: the notice clears.
      t.clock.advance(DAY_MS + HOUR_MS)
      await enforceBudget({ ...deps, config: { ...deps.config, MAX_DB_SIZE: size * 10 } })
      const fresh = await t.createUser() // a day later: a new login
      const later = (await t.app.inject({ method: 'GET', url: '/api/v1/storage', headers: fresh.auth })).json()
      expect(later.notice).toBeNull()
    } finally {
      await t.close()
    }
  })

  it('does nothing without a budget or under it', async () => {
    const t = await createTestContext()
    try {
      expect(await enforceBudget(t.deps)).toBeNull()
      const under = await enforceBudget({ ...t.deps, config: { ...t.deps.config, MAX_DB_SIZE: 10 ** 12 } })
      expect(under?.actions).toEqual([])
    } finally {
      await t.close()
    }
  })
})

describe(`partition management (${dialectUnderTest})`, () => {
  it('creates day partitions ahead and on demand, drops whole days (PostgreSQL); a no-op on SQLite', async () => {
    const t = await createTestContext({ DATA_RETENTION_DAYS: '3' })
    try {
      const created = await ensurePartitionsAhead(t.deps)
      const db = t.deps.database.db as never
      if (!pg) {
        expect(created).toEqual([])
        return
      }
      const today = Math.floor(t.clock.now() / DAY_MS) * DAY_MS
      expect(created).toEqual([
        'ts_results_p20251231',
        'ts_results_p20260101',
        'ts_results_p20260102',
        'ts_results_p20260103',
        'ts_results_p20260104',
      ])
      const user = await t.createUser()
      // A result 10 days ahead (a probe with a wrong clock) gets its partition on demand.
      const [m] = await seed(t, user, { days: 0, everyMs: MINUTE_MS, monitors: 1 })
      const probe = (await t.deps.repos.probes.list())[0]!
      await t.deps.repos.results.ingest({
        probeId: probe.id,
        networkType: 'external',
        batchId: 'future',
        now: t.clock.now(),
        rawCutoff: -Infinity,
        items: [
          {
            monitorId: m!,
            at: today + 10 * DAY_MS + 5,
            status: 0,
            maintenance: false,
            latencyMs: 1,
            httpStatus: null,
            timings: null,
            detail: null,
          },
        ],
      })
      const names = (await listDayPartitions(db, 'ts_results')).map((p) => p.name)
      expect(names).toContain('ts_results_p20260111')
      // Five days later with 3 days of retention: the job packs past days (one row per series and
      // day) and drops the row partitions; retention drops what ended before the cutoff.
      t.clock.advance(5 * DAY_MS + 2 * HOUR_MS) // 2026-01-06T02:00Z
      const jobs = startStorageJobs(t.deps)
      t.clock.advance(60_000)
      await jobs.stop()
      const r = await runRetention(t.deps)
      expect(r.droppedPartitions).toEqual([]) // the job's pass already did
      const rows = (await listDayPartitions(db, 'ts_results')).map((p) => p.name)
      // Packed two hours after their day ended: 5 January too, at 02:01 on the 6th.
      expect(rows.filter((n) => n < 'ts_results_p20260106')).toEqual([])
      expect(rows).toContain('ts_results_p20260106')
      expect(rows).toContain('ts_results_p20260111')
      const packed = (await listDayPartitions(db, 'ts_results_packed')).map((p) => p.name)
      expect(packed).not.toContain('ts_results_packed_p20260101')
      expect(packed).toContain('ts_results_packed_p20260103')
      expect(packed).toContain('ts_results_packed_p20260105')
      expect((await listDayPartitions(db, 'ts_result_details')).map((p) => p.name)).not.toContain(
        'ts_result_details_p20260101',
      )
    } finally {
      await t.close()
    }
  })
})
