import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactRawDays } from '../src/jobs/compaction.js'
import { rebuildRollups } from '../src/jobs/rebuild.js'
import type { IngestItem } from '../src/storage/repositories/results.repository.js'
import { bucketOf, HOUR_MS, MINUTE_MS, TIER_RETENTION_MS, TIERS } from '../src/storage/timeseries/buckets.js'
import { type StatusCode, timingTenths } from '../src/storage/timeseries/codec.js'
import { decodeInto, newHistogram } from '../src/storage/timeseries/histogram.js'
import { partitionName } from '../src/storage/timeseries/partitions.js'
import {
  accumulate,
  consensusFromPoints,
  type NetCode,
  type RollupPoint,
  toRollupAcc,
} from '../src/storage/timeseries/rollup.js'
import { createTestContext, dialectUnderTest, type FleetProbe, seedFleet, type TestContext } from './helpers.js'
import { prng } from './prng.js'

/**
 * Rollups maintained incrementally at ingestion (random batches, random order, retries and
 * resends) equal rollups computed from the raw results, and the rebuild command reproduces them.
 */
describe(`rollups at ingestion (${dialectUnderTest})`, () => {
  let t: TestContext
  const probes: FleetProbe[] = []
  const monitors: string[] = []
  const sent: (IngestItem & { probeId: string; net: NetCode })[] = []

  beforeAll(async () => {
    t = await createTestContext()
    const owner = await t.createUser()
    const fleet = await seedFleet(t, owner.id)
    probes.push(...fleet.probes)
    monitors.push(...fleet.monitors)
  })
  afterAll(() => t.close())

  it('equal raw computation after random batches, retries and resends (3 seeds)', async () => {
    const now = t.clock.now()
    for (const seed of [11, 12, 13]) {
      const rand = prng(seed)
      for (const p of probes) {
        const items: (IngestItem & { probeId: string; net: NetCode })[] = []
        for (const m of monitors) {
          // ~60 h of history: crosses the minute tier's 48 h horizon and several days.
          for (let k = 0; k < 120; k++) {
            const at = now - Math.floor(rand() * 60 * HOUR_MS)
            const r = rand()
            const status = (r < 0.75 ? 0 : r < 0.85 ? 1 : 2) as StatusCode
            items.push({
              probeId: p.id,
              net: p.net === 'internal' ? 1 : 0,
              monitorId: m,
              at,
              status,
              maintenance: rand() < 0.05,
              latencyMs: Math.round(rand() * 8000) / 10,
              httpStatus: status === 2 ? 503 : 200,
              timings: rand() < 0.5 ? { dns_ms: 1.5, connect_ms: 3, ttfb_ms: Math.round(rand() * 1000) / 10 } : null,
              detail: status === 2 ? JSON.stringify({ failure: { phase: 'response', message: 'status 503' } }) : null,
            })
          }
        }
        // Shuffle, cut into batches of random sizes.
        items.sort(() => rand() - 0.5)
        let i = 0
        let b = 0
        while (i < items.length) {
          const n = 1 + Math.floor(rand() * 150)
          const batch = items.slice(i, i + n)
          i += n
          const batchId = `s${seed}-${p.id}-${b++}`
          const input = {
            probeId: p.id,
            networkType: p.net,
            batchId,
            now,
            rawCutoff: -Infinity,
            items: batch,
          }
          expect((await t.deps.repos.results.ingest(input)).duplicate).toBe(false)
          // A retried batch (same id) stores nothing; a resend under a new id counts nothing twice.
          if (rand() < 0.2) expect(await t.deps.repos.results.ingest(input)).toEqual({ duplicate: true, stored: 0 })
          if (rand() < 0.2)
            expect(await t.deps.repos.results.ingest({ ...input, batchId: `${batchId}-again` })).toEqual({
              duplicate: false,
              stored: 0,
            })
          sent.push(...batch)
        }
      }
    }
    await expectRollupsMatchRaw(now)
  })

  it('equal raw computation when every probe sends at once, and one probe two batches at once', async () => {
    const now = t.clock.now()
    const rand = prng(21)
    const batchesOf = (p: (typeof probes)[number]) => {
      const items: (IngestItem & { probeId: string; net: NetCode })[] = []
      // The same recent minutes from every probe: their consensus minutes are shared.
      for (const m of monitors)
        for (let k = 0; k < 90; k++) {
          const status = (rand() < 0.8 ? 0 : 2) as StatusCode
          items.push({
            probeId: p.id,
            net: p.net === 'internal' ? 1 : 0,
            monitorId: m,
            at: now - (k + 1) * MINUTE_MS - Math.floor(rand() * 50_000),
            status,
            maintenance: false,
            latencyMs: Math.round(rand() * 8000) / 10,
            httpStatus: status === 2 ? 503 : 200,
            timings: null,
            detail: status === 2 ? JSON.stringify({ failure: { phase: 'response', message: 'status 503' } }) : null,
          })
        }
      const out: (typeof items)[] = []
      for (let i = 0; i < items.length; i += 45) out.push(items.slice(i, i + 45))
      return out
    }
    const send = async (
      p: (typeof probes)[number],
      batch: (IngestItem & { probeId: string; net: NetCode })[],
      id: string,
    ) => {
      const r = await t.deps.repos.results.ingest({
        probeId: p.id,
        networkType: p.net,
        batchId: id,
        now,
        rawCutoff: -Infinity,
        items: batch,
      })
      expect(r.duplicate).toBe(false)
      sent.push(...batch)
    }
    await Promise.all(
      probes.map(async (p, pi) => {
        const batches = batchesOf(p)
        for (let b = 0; b < batches.length; b += pi === 0 ? 2 : 1) {
          // Probe 0 has two batches in flight (a retry racing a new batch): its series locks order them.
          if (pi === 0 && batches[b + 1])
            await Promise.all([send(p, batches[b]!, `c-${p.id}-${b}`), send(p, batches[b + 1]!, `c-${p.id}-${b + 1}`)])
          else await send(p, batches[b]!, `c-${p.id}-${b}`)
        }
      }),
    )
    await expectRollupsMatchRaw(now)
  })

  it('rebuild from raw reproduces exactly what ingestion maintained', async () => {
    const db = t.deps.database.db
    // Direct table reads: every acknowledged result folded first (SQLite's fold queue).
    const snapshot = async () => ({
      settled: await t.deps.repos.results.settle(),
      r1m: await db.selectFrom('ts_rollup_1m').selectAll().orderBy('skey').orderBy('bucket').execute(),
      r1h: await db.selectFrom('ts_rollup_1h').selectAll().orderBy('skey').orderBy('bucket').execute(),
      r1d: await db.selectFrom('ts_rollup_1d').selectAll().orderBy('skey').orderBy('bucket').execute(),
      c1m: await db
        .selectFrom('ts_consensus_1m')
        .selectAll()
        .orderBy('mkey')
        .orderBy('net')
        .orderBy('bucket')
        .execute(),
      c1h: await db
        .selectFrom('ts_consensus_1h')
        .selectAll()
        .orderBy('mkey')
        .orderBy('net')
        .orderBy('bucket')
        .execute(),
      c1d: await db
        .selectFrom('ts_consensus_1d')
        .selectAll()
        .orderBy('mkey')
        .orderBy('net')
        .orderBy('bucket')
        .execute(),
    })
    const norm = (s: Awaited<ReturnType<typeof snapshot>>) =>
      JSON.parse(
        JSON.stringify(s, (k, v) =>
          k === 'lat_sq' ? Math.round(v * 1000) : k === 'hist' ? [...decodeInto(newHistogram(), v)] : v,
        ),
      )
    const before = norm(await snapshot())
    await db.deleteFrom('ts_rollup_1h').execute()
    await db.deleteFrom('ts_consensus_1d').execute()
    const r = await rebuildRollups(t.deps, { from: -Infinity })
    expect(r.monitors).toBe(3)
    expect(r.results).toBe(new Set(sent.map((s) => `${s.probeId}:${s.monitorId}:${s.at}`)).size)
    expect(norm(await snapshot())).toEqual(before)
  })

  it('compaction (PostgreSQL: past days packed per series) keeps raw reads and rebuilds identical', async () => {
    const monitor = monitors[0]!
    const before = await t.deps.repos.results.listForMonitor(monitor, { limit: 5000, offset: 0 })
    const since = await t.deps.repos.results.listForMonitor(monitor, {
      limit: 5000,
      offset: 0,
      since: t.clock.now() - 50 * HOUR_MS,
    })
    const r = await compactRawDays(t.deps)
    if (dialectUnderTest === 'postgres') {
      expect(r.days).toEqual(['ts_results_p20251229', 'ts_results_p20251230'])
      expect(r.results).toBeGreaterThan(0)
      const packed = await t.deps.database.db.selectFrom('ts_results_packed').select('n').execute()
      expect(packed.reduce((n, p) => n + p.n, 0)).toBe(r.results)
      expect(await compactRawDays(t.deps)).toEqual({ days: [], results: 0 })
    } else expect(r).toEqual({ days: [], results: 0 })
    expect(await t.deps.repos.results.listForMonitor(monitor, { limit: 5000, offset: 0 })).toEqual(before)
    expect(
      await t.deps.repos.results.listForMonitor(monitor, {
        limit: 5000,
        offset: 0,
        since: t.clock.now() - 50 * HOUR_MS,
      }),
    ).toEqual(since)
    const page = await t.deps.repos.results.listForMonitor(monitor, { limit: 7, offset: 300 })
    expect(page).toEqual(before.slice(300, 307))
    const rebuilt = await rebuildRollups(t.deps, { from: -Infinity })
    expect(rebuilt.results).toBe(new Set(sent.map((s) => `${s.probeId}:${s.monitorId}:${s.at}`)).size)
    await expectRollupsMatchRaw(t.clock.now())
  })

  it('a result committed while its day is being packed is packed too, never dropped with the partition', async () => {
    const monitor = monitors[0]!
    const p = probes[0]!
    // A day before every other result: five days before the clock.
    const day = Date.UTC(2025, 11, 27)
    const send = async (k: number) => {
      const items: (IngestItem & { probeId: string; net: NetCode })[] = Array.from({ length: 20 }, (_, i) => ({
        probeId: p.id,
        net: p.net === 'internal' ? 1 : 0,
        monitorId: monitor,
        at: day + (k * 20 + i) * MINUTE_MS + 1234,
        status: 0 as StatusCode,
        maintenance: false,
        latencyMs: 10 + i,
        httpStatus: 200,
        timings: null,
        detail: null,
      }))
      const r = await t.deps.repos.results.ingest({
        probeId: p.id,
        networkType: p.net,
        batchId: `pack-${k}`,
        now: t.clock.now(),
        rawCutoff: -Infinity,
        items,
      })
      expect(r).toEqual({ duplicate: false, stored: 20 })
      sent.push(...items)
    }
    await send(0)
    if (dialectUnderTest === 'postgres') {
      const storage = t.deps.repos.storage
      const name = partitionName('ts_results', day)
      expect(await storage.packPartition(name, day, await storage.partitionSeries(name))).toBe(20)
      // Committed into the partition after its series were packed: the last step packs it.
      await send(1)
      expect(await storage.packRestAndDrop(name, day)).toBe(20)
      expect((await storage.listDayPartitions('ts_results')).map((x) => x.name)).not.toContain(name)
    } else await send(1)
    const rows = await t.deps.repos.results.listForMonitor(monitor, { limit: 10_000, offset: 0 })
    const ofDay = rows.filter((r) => r.probe_id === p.id && r.checked_at >= day && r.checked_at < day + 86_400_000)
    expect(ofDay.map((r) => r.checked_at).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => day + i * MINUTE_MS + 1234),
    )
    await expectRollupsMatchRaw(t.clock.now())
  })

  it('serves raw results newest first with timings and stored details', async () => {
    const rows = await t.deps.repos.results.listForMonitor(monitors[0]!, { limit: 50, offset: 0 })
    expect(rows).toHaveLength(50)
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.checked_at).toBeGreaterThanOrEqual(rows[i]!.checked_at)
    const down = rows.find((r) => r.status === 2)
    if (down) expect(JSON.parse(down.detail ?? '{}').failure).toEqual({ phase: 'response', message: 'status 503' })
    const page2 = await t.deps.repos.results.listForMonitor(monitors[0]!, { limit: 50, offset: 50 })
    expect(page2[0]!.checked_at).toBeLessThanOrEqual(rows[49]!.checked_at)
  })

  async function expectRollupsMatchRaw(now: number): Promise<void> {
    const db = t.deps.database.db
    await t.deps.repos.results.settle()
    const mkeys = await t.deps.repos.series.findMonitorKeys(monitors)
    const series = await t.deps.repos.series.seriesOf([...mkeys.values()])
    const skeyOf = new Map(series.map((s) => [`${s.mkey}:${s.probe_id}`, s.skey]))
    // The raw truth: each (probe, monitor, time) once.
    const unique = new Map<string, (typeof sent)[number]>()
    for (const s of sent) {
      const k = `${s.probeId}:${s.monitorId}:${s.at}`
      if (!unique.has(k)) unique.set(k, s)
    }
    const points: (RollupPoint & { mkey: number; net: NetCode })[] = [...unique.values()].map((s) => {
      const mkey = mkeys.get(s.monitorId)!
      return {
        skey: skeyOf.get(`${mkey}:${s.probeId}`)!,
        mkey,
        net: s.net,
        at: s.at,
        status: s.status,
        maintenance: s.maintenance,
        lat: Math.round(s.latencyMs * 10),
        phases: timingTenths(s.timings),
      }
    })
    const minuteHorizon = (Math.floor((now - TIER_RETENTION_MS['1m']) / MINUTE_MS) + 60) * MINUTE_MS
    for (const tier of TIERS) {
      const want = accumulate(
        points.filter((p) => tier !== '1m' || p.at >= minuteHorizon),
        (at) => bucketOf(at, tier),
      )
      const got = await db
        .selectFrom(`ts_rollup_${tier}` as 'ts_rollup_1m')
        .selectAll()
        .execute()
      expect(got).toHaveLength(want.size)
      for (const g of got) {
        const w = want.get(`${g.skey}:${g.bucket}`)!.acc
        expect({
          n: g.n,
          up: g.up,
          degraded: g.degraded,
          down: g.down,
          maint: g.maint,
          lat_sum: g.lat_sum,
          lat_min: g.lat_min,
          lat_max: g.lat_max,
          ph: [g.ph_dns, g.ph_connect, g.ph_tls, g.ph_ttfb, g.ph_transfer],
          ph_n: g.ph_n,
        }).toEqual({
          n: w.n,
          up: w.up,
          degraded: w.degraded,
          down: w.down,
          maint: w.maint,
          lat_sum: w.latSum,
          lat_min: w.latMin,
          lat_max: w.latMax,
          ph: w.ph,
          ph_n: w.phN,
        })
        expect(g.lat_sq).toBeCloseTo(w.latSq, 3)
        expect([...decodeInto(newHistogram(), g.hist)]).toEqual([...toRollupAcc(w).hist])
      }
    }
    for (const [monitorId, mkey] of mkeys) {
      const c = consensusFromPoints(points.filter((p) => p.mkey === mkey))
      const minutes = await db.selectFrom('ts_consensus_1m').selectAll().where('mkey', '=', mkey).execute()
      const wantMinutes = [...c.minutes.values()].filter((m) => m.minute * MINUTE_MS >= minuteHorizon)
      expect(minutes.length, monitorId).toBe(wantMinutes.length)
      for (const m of minutes) expect(m.state).toBe(c.minutes.get(`${m.net}:${m.bucket}`)?.state)
      for (const [tier, want] of [
        ['1h', c.hours],
        ['1d', c.days],
      ] as const) {
        const rows = await db
          .selectFrom(`ts_consensus_${tier}` as 'ts_consensus_1h')
          .selectAll()
          .where('mkey', '=', mkey)
          .execute()
        const nonEmpty = rows.filter((r) => r.up + r.degraded + r.down + r.maint > 0)
        expect(nonEmpty.length).toBe(want.size)
        for (const r of nonEmpty) {
          const w = want.get(`${r.net}:${r.bucket}`)!
          expect({ up: r.up, degraded: r.degraded, down: r.down, maint: r.maint }).toEqual({
            up: w.up,
            degraded: w.degraded,
            down: w.down,
            maint: w.maint,
          })
        }
      }
    }
  }
})
