import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCoarseRollups } from '../src/jobs/coarse-rollups.js'
import { rebuildRollups } from '../src/jobs/rebuild.js'
import { runRetention } from '../src/jobs/retention.js'
import { getStorageStatus } from '../src/modules/analytics/storage-status.service.js'
import { computeUptime } from '../src/modules/analytics/uptime.service.js'
import type { IngestItem } from '../src/storage/repositories/results.repository.js'
import type { SumRow } from '../src/storage/repositories/rollups.repository.js'
import {
  COARSE_MINUTES,
  COARSE_TIERS,
  type CoarseTier,
  coarseBucketOf,
  cover,
  DAY_MS,
  MINUTE_MS,
  minuteOf,
} from '../src/storage/timeseries/buckets.js'
import type { StatusCode } from '../src/storage/timeseries/codec.js'
import { decodeInto, newHistogram } from '../src/storage/timeseries/histogram.js'
import { accumulate, consensusFromPoints, type NetCode, toRollupAcc } from '../src/storage/timeseries/rollup.js'
import {
  createTestContext,
  dialectUnderTest,
  type FleetProbe,
  ingestByProbe,
  seedFleet,
  type TestContext,
} from './helpers.js'
import { prng } from './prng.js'

type Sent = IngestItem & { probeId: string; net: NetCode }

/**
 * Week and 4-week rollups: built from day rows once a period closed, equal to the raw results of
 * their periods; reads that use them equal reads of day rows; a late write into a built period
 * makes reads skip it until the job rebuilds it, and nothing is lost when builds and late writes
 * run at once.
 */
describe(`week and 4-week rollups (${dialectUnderTest})`, () => {
  let t: TestContext
  const probes: FleetProbe[] = []
  const monitors: string[] = []
  const sent: Sent[] = []
  let batch = 0

  const items = (rand: () => number, n: number, fromMs: number, toMs: number): Sent[] =>
    Array.from({ length: n }, () => {
      const p = probes[Math.floor(rand() * probes.length)]!
      const r = rand()
      const status = (r < 0.8 ? 0 : r < 0.9 ? 1 : 2) as StatusCode
      return {
        probeId: p.id,
        net: p.net === 'internal' ? 1 : 0,
        monitorId: monitors[Math.floor(rand() * monitors.length)]!,
        at: Math.floor(fromMs + rand() * (toMs - fromMs)),
        status,
        maintenance: rand() < 0.03,
        latencyMs: Math.round(rand() * 9000) / 10,
        httpStatus: status === 2 ? 503 : 200,
        timings: null,
        detail: null,
      }
    })
  const send = async (list: Sent[]) => {
    await ingestByProbe(t, probes, list, () => `b${batch++}`)
    sent.push(...list)
  }

  beforeAll(async () => {
    t = await createTestContext()
    const owner = await t.createUser()
    const now = t.clock.now()
    const fleet = await seedFleet(t, owner.id)
    probes.push(...fleet.probes)
    monitors.push(...fleet.monitors)
    // 120 days of history.
    await send(items(prng(5), 6000, now - 120 * DAY_MS, now))
  })
  afterAll(() => t.close())

  /** Every built coarse row equals the raw results of its period (consensus: the sum of its days). */
  async function expectCoarseMatchRaw(): Promise<number> {
    const db = t.deps.database.db
    await t.deps.repos.results.settle()
    const mkeys = await t.deps.repos.series.findMonitorKeys(monitors)
    const series = await t.deps.repos.series.seriesOf([...mkeys.values()])
    const skeyOf = new Map(series.map((s) => [`${s.mkey}:${s.probe_id}`, s.skey]))
    const unique = new Map<string, Sent>()
    for (const s of sent)
      unique.set(`${s.probeId}:${s.monitorId}:${s.at}`, unique.get(`${s.probeId}:${s.monitorId}:${s.at}`) ?? s)
    const points = [...unique.values()].map((s) => {
      const mkey = mkeys.get(s.monitorId) as number
      return {
        skey: skeyOf.get(`${mkey}:${s.probeId}`) as number,
        mkey,
        net: s.net,
        at: s.at,
        status: s.status,
        maintenance: s.maintenance,
        lat: Math.round(s.latencyMs * 10),
        phases: null,
      }
    })
    const state = await t.deps.repos.coarse.state()
    let checked = 0
    for (const tier of COARSE_TIERS) {
      const built = state[tier]?.built ?? -Infinity
      const inBuilt = (at: number) => coarseBucketOf(minuteOf(at), tier) + COARSE_MINUTES[tier] <= built
      const want = accumulate(
        points.filter((p) => inBuilt(p.at)),
        (at) => coarseBucketOf(minuteOf(at), tier),
      )
      const got = await db
        .selectFrom(`ts_rollup_${tier}` as 'ts_rollup_1w')
        .selectAll()
        .execute()
      expect(got.length, tier).toBe(want.size)
      for (const g of got) {
        const w = toRollupAcc(want.get(`${g.skey}:${g.bucket}`)!.acc)
        expect([g.n, g.up, g.degraded, g.down, g.maint, Number(g.lat_sum), g.lat_min, g.lat_max]).toEqual([
          w.n,
          w.up,
          w.degraded,
          w.down,
          w.maint,
          w.latSum,
          w.latMin,
          w.latMax,
        ])
        expect(g.lat_sq).toBeCloseTo(w.latSq, 0)
        expect([...decodeInto(newHistogram(), g.hist)]).toEqual([...w.hist])
        checked++
      }
      for (const mkey of mkeys.values()) {
        const days = consensusFromPoints(points.filter((p) => p.mkey === mkey)).days
        const wantC = new Map<string, number[]>()
        for (const d of days.values()) {
          if (!inBuilt(d.bucket * MINUTE_MS)) continue
          const k = `${d.net}:${coarseBucketOf(d.bucket, tier)}`
          const c = wantC.get(k) ?? [0, 0, 0, 0]
          wantC.set(k, [c[0]! + d.up, c[1]! + d.degraded, c[2]! + d.down, c[3]! + d.maint])
        }
        const rows = await db
          .selectFrom(`ts_consensus_${tier}` as 'ts_consensus_1w')
          .selectAll()
          .where('mkey', '=', mkey)
          .execute()
        expect(rows.length).toBe([...wantC.values()].filter((c) => c.some((x) => x > 0)).length)
        for (const r of rows) expect([r.up, r.degraded, r.down, r.maint]).toEqual(wantC.get(`${r.net}:${r.bucket}`))
      }
    }
    return checked
  }

  const comparable = (rows: SumRow[]) =>
    rows
      .map((r) => ({
        skey: r.skey,
        counts: [r.n, r.up, r.degraded, r.down, r.maint, r.lat_sum, r.lat_min, r.lat_max].map(Number),
        hist: [...decodeInto(newHistogram(), r.hist ?? new Uint8Array())],
      }))
      .sort((a, b) => a.skey - b.skey)

  /** The plan with built coarse rows reads exactly what the plan of day rows reads. */
  async function expectReadsMatchDays(fromMs: number, toMs: number): Promise<CoarseTier[]> {
    const now = t.clock.now()
    const mkeys = [...(await t.deps.repos.series.findMonitorKeys(monitors)).values()]
    const skeys = (await t.deps.repos.series.seriesOf(mkeys)).map((s) => s.skey)
    const fast = await t.deps.repos.rollups.coverPlan(fromMs, toMs, now)
    const plain = cover(fromMs, toMs, now)
    const rollups = t.deps.repos.rollups
    expect(comparable(await rollups.sumsForPlan(skeys, fast.segments, 'skey', { hist: true }))).toEqual(
      comparable(await rollups.sumsForPlan(skeys, plain.segments, 'skey', { hist: true })),
    )
    expect(await rollups.consensusTotals(mkeys, fast.segments)).toEqual(
      await rollups.consensusTotals(mkeys, plain.segments),
    )
    return [...new Set(fast.segments.map((s) => s.tier).filter((x): x is CoarseTier => x === '1w' || x === '4w'))]
  }

  it('builds every closed period from day rows; they equal the raw results of their periods', async () => {
    const now = t.clock.now()
    expect(await expectReadsMatchDays(now - 90 * DAY_MS, now)).toEqual([])
    const r = await buildCoarseRollups(t.deps)
    // 120 days back from a Thursday: 17–18 closed weeks, 4–5 closed 4-week periods.
    expect(r.built['1w']).toBeGreaterThanOrEqual(17)
    expect(r.built['4w']).toBeGreaterThanOrEqual(4)
    expect(r.rebuilt).toBe(0)
    expect(await expectCoarseMatchRaw()).toBeGreaterThan(100)
    // GET /api/v1/storage says how far they are built: the Monday before the last hour.
    const status = await getStorageStatus(t.deps)
    const monday = coarseBucketOf(minuteOf(now) - 60, '1w') * MINUTE_MS
    expect(status.coarse_rollups).toEqual({
      chart_days_built_through: new Date(Math.floor((now - 60 * MINUTE_MS) / DAY_MS) * DAY_MS).toISOString(),
      week_built_through: new Date(monday).toISOString(),
      four_week_built_through: new Date(coarseBucketOf(minuteOf(now) - 60, '4w') * MINUTE_MS).toISOString(),
      periods_pending_rebuild: 0,
    })
    // A second run has nothing to do.
    expect(await buildCoarseRollups(t.deps)).toEqual({ built: {}, rebuilt: 0, rows: 0 })
  })

  it('reads with week and 4-week rows equal reads of day rows, for any window', async () => {
    const now = t.clock.now()
    expect((await expectReadsMatchDays(now - 90 * DAY_MS, now)).sort()).toEqual(['1w', '4w'])
    const rand = prng(9)
    for (let i = 0; i < 15; i++) {
      const a = now - rand() * 130 * DAY_MS
      await expectReadsMatchDays(a, Math.min(now, a + rand() * 100 * DAY_MS))
    }
    // The API's path: the same checks as the raw results of the window.
    const from = now - 90 * DAY_MS
    const u = await computeUptime(t.deps, { id: monitors[0]!, interval_seconds: 60 }, from, now)
    const unique = new Set(
      sent
        .filter((s) => s.monitorId === monitors[0] && s.at >= Date.parse(u.from) && s.at < now)
        .map((s) => `${s.probeId}:${s.at}`),
    )
    expect(u.total_checks).toBe(unique.size)
  })

  it('a late batch into a built period flags it: reads skip it until the job rebuilds it', async () => {
    const now = t.clock.now()
    const late = items(prng(6), 300, now - 40 * DAY_MS, now - 39 * DAY_MS)
    await send(late)
    const avail = await t.deps.repos.coarse.availability()
    const m = minuteOf(now - 40 * DAY_MS)
    expect(avail.dirty.has(`1w:${coarseBucketOf(m, '1w')}`)).toBe(true)
    expect(avail.dirty.has(`4w:${coarseBucketOf(m, '4w')}`)).toBe(true)
    const plan = await t.deps.repos.rollups.coverPlan(now - 90 * DAY_MS, now, now)
    expect(plan.segments.some((s) => s.tier === '1w' && s.from <= m && m < s.to)).toBe(false)
    await expectReadsMatchDays(now - 90 * DAY_MS, now)

    const r = await buildCoarseRollups(t.deps)
    expect(r.rebuilt).toBeGreaterThanOrEqual(2)
    expect((await t.deps.repos.coarse.availability()).dirty.size).toBe(0)
    await expectCoarseMatchRaw()
    await expectReadsMatchDays(now - 90 * DAY_MS, now)
  })

  it('a batch of this week flags nothing', async () => {
    const now = t.clock.now()
    await send(items(prng(7), 100, now - 10 * MINUTE_MS, now))
    expect((await t.deps.repos.coarse.dirty()).length).toBe(0)
  })

  it('loses nothing when builds run while late batches arrive', async () => {
    const now = t.clock.now()
    // The next week closes: the job builds it while late batches write into it and older periods.
    t.clock.advance(8 * DAY_MS)
    const rand = prng(8)
    await Promise.all([
      buildCoarseRollups(t.deps),
      send(items(rand, 400, now - 6 * DAY_MS, now)),
      send(items(rand, 400, now - 70 * DAY_MS, now - 20 * DAY_MS)),
      buildCoarseRollups(t.deps),
    ])
    await buildCoarseRollups(t.deps)
    expect((await t.deps.repos.coarse.dirty()).length).toBe(0)
    await expectCoarseMatchRaw()
    await expectReadsMatchDays(t.clock.now() - 120 * DAY_MS, t.clock.now())
  })

  it('the rebuild command flags the periods of the days it rewrote', async () => {
    const now = t.clock.now()
    const db = t.deps.database.db
    // Day rows damaged by hand, then rebuilt from raw for the last 30 days.
    await db.updateTable('ts_rollup_1d').set({ n: 0 }).execute()
    await rebuildRollups(t.deps, { from: now - 30 * DAY_MS })
    expect((await t.deps.repos.coarse.dirty()).length).toBeGreaterThan(0)
    await buildCoarseRollups(t.deps)
    // Rows of periods before the rebuild still sum the (damaged) day rows: compare within the rebuilt days.
    await expectReadsMatchDays(now - 28 * DAY_MS, now)
    await rebuildRollups(t.deps, { from: -Infinity })
    await buildCoarseRollups(t.deps)
    expect(await expectCoarseMatchRaw()).toBeGreaterThan(100)
  })

  it("retention deletes a deleted monitor's week and 4-week rows", async () => {
    const db = t.deps.database.db
    const gone = monitors[2]!
    const mkey = (await t.deps.repos.series.findMonitorKeys([gone])).get(gone) as number
    const skeys = (await t.deps.repos.series.seriesOf([mkey])).map((s) => s.skey)
    const count = async () =>
      (await db.selectFrom('ts_rollup_4w').select('skey').where('skey', 'in', skeys).execute()).length +
      (await db.selectFrom('ts_consensus_1w').select('mkey').where('mkey', '=', mkey).execute()).length
    expect(await count()).toBeGreaterThan(0)
    await db.deleteFrom('monitors').where('id', '=', gone).execute()
    await runRetention(t.deps)
    expect(await count()).toBe(0)
  })
})
