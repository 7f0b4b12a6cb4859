import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { newId } from '../src/core/ids.js'
import { type Database, openDatabase } from '../src/storage/db.js'
import { decodePoints, encodePoints, type FoldPoint } from '../src/storage/repositories/fold-queue.js'
import { ProbesRepository } from '../src/storage/repositories/probes.repository.js'
import { type IngestItem, ResultsRepository } from '../src/storage/repositories/results.repository.js'
import { RollupsRepository } from '../src/storage/repositories/rollups.repository.js'
import { SeriesRepository } from '../src/storage/repositories/series.repository.js'
import { bucketOf, MINUTE_MS, TIERS } from '../src/storage/timeseries/buckets.js'
import type { StatusCode } from '../src/storage/timeseries/codec.js'
import { accumulate, consensusFromPoints } from '../src/storage/timeseries/rollup.js'
import { dialectUnderTest, freshDatabaseUrl } from './helpers.js'
import { prng } from './prng.js'

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0)

/**
 * The fold queue (storage/repositories/fold-queue.ts): on SQLite a batch's transaction stores its raw
 * rows and queues its points; one later transaction folds many batches into the rollups. Nothing
 * acknowledged is lost (a process stopped before the fold leaves the queue, folded at the next
 * open), every read sees what was acknowledged before it, and the queue is bounded. PostgreSQL folds
 * in the batch's own transaction.
 */
describe(`fold queue (${dialectUnderTest})`, () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function store() {
    const dir = mkdtempSync(join(tmpdir(), 'wiu-fold-'))
    const target = await freshDatabaseUrl(dir)
    const open = async (fold = { maxResults: 1_000_000, delayMs: 3_600_000 }) => {
      const database = await openDatabase({ url: target.url })
      const results = new ResultsRepository(database.db, new SeriesRepository(database.db), fold)
      const rollups = new RollupsRepository(database.db, () => results.settle())
      return { database, results, rollups }
    }
    const first = await open()
    const probeId = newId(NOW)
    await new ProbesRepository(first.database.db).insert({
      id: probeId,
      name: 'p',
      location_name: '',
      latitude: null,
      longitude: null,
      network_type: 'external',
      key_hash: 'h',
      key_prefix: 'wiu_',
      is_active: 1,
      is_embedded: 0,
      last_seen_at: null,
      health: null,
      created_at: NOW,
      updated_at: NOW,
    } as never)
    const dbs: Database[] = [first.database]
    cleanups.push(async () => {
      for (const d of dbs) await d.close().catch(() => {})
      await target.drop()
      rmSync(dir, { recursive: true, force: true })
    })
    return {
      first,
      probeId,
      async reopen(fold?: { maxResults: number; delayMs: number }) {
        const s = await open(fold)
        dbs.push(s.database)
        return s
      },
    }
  }

  /** Batches of random results over the last hours for two monitors, and the raw truth. */
  function batches(seed: number, count: number) {
    const rand = prng(seed)
    const monitors = [`m-${seed}-a`, `m-${seed}-b`]
    const out: IngestItem[][] = []
    const all: IngestItem[] = []
    for (let b = 0; b < count; b++) {
      const items: IngestItem[] = []
      for (let k = 0; k < 40; k++) {
        const status = (rand() < 0.7 ? 0 : rand() < 0.5 ? 1 : 2) as StatusCode
        const item: IngestItem = {
          monitorId: monitors[k % 2]!,
          at: NOW - (b * 40 + k + 1) * 20_000,
          status,
          maintenance: rand() < 0.1,
          latencyMs: Math.round(rand() * 9000) / 10,
          httpStatus: status === 2 ? 503 : 200,
          timings: rand() < 0.5 ? null : { dns_ms: 1, connect_ms: 2.5, tls_ms: 3, ttfb_ms: 40.1, transfer_ms: 0.4 },
          detail: null,
        }
        items.push(item)
        all.push(item)
      }
      out.push(items)
    }
    return { batches: out, all, monitors }
  }

  async function ingestAll(r: ResultsRepository, probeId: string, bs: IngestItem[][], firstId = 0) {
    for (const [i, items] of bs.entries()) {
      const ack = await r.ingest({
        probeId,
        networkType: 'external',
        batchId: `b${firstId + i}`,
        now: NOW,
        rawCutoff: -Infinity,
        items,
      })
      expect(ack).toEqual({ duplicate: false, stored: items.length })
    }
  }

  /** Every tier and the consensus, read through the repository, equal the raw computation. */
  async function expectFolded(s: { rollups: RollupsRepository; database: Database }, all: IngestItem[]) {
    const series = await s.database.db.selectFrom('ts_series').select(['skey', 'mkey']).execute()
    const monitorsKeys = await s.database.db.selectFrom('ts_monitors').select(['mkey', 'monitor_id']).execute()
    const mkeyOf = new Map(monitorsKeys.map((m) => [m.monitor_id, m.mkey]))
    const skeyOf = new Map(series.map((x) => [x.mkey, x.skey]))
    const points = all.map((i) => ({
      skey: skeyOf.get(mkeyOf.get(i.monitorId)!)!,
      at: i.at,
      status: i.status,
      maintenance: i.maintenance,
      lat: Math.round(i.latencyMs * 10),
      phases: i.timings ? [10, 25, 30, 401, 4] : null,
      net: 0 as const,
    }))
    const from = Math.floor((NOW - 2 * 86_400_000) / MINUTE_MS)
    const to = Math.floor(NOW / MINUTE_MS) + 1440
    for (const tier of TIERS) {
      const want = [...accumulate(points, (at) => bucketOf(at, tier)).values()].map((g) => ({
        skey: g.skey,
        bucket: g.bucket,
        n: g.acc.n,
        up: g.acc.up,
        down: g.acc.down,
        maint: g.acc.maint,
        lat_sum: g.acc.latSum,
        ph_ttfb: g.acc.ph[3],
      }))
      const got = (await s.rollups.seriesRows([...skeyOf.values()], tier, from, to)).map((r) => ({
        skey: r.skey,
        bucket: r.bucket,
        n: r.n,
        up: r.up,
        down: r.down,
        maint: r.maint,
        lat_sum: r.lat_sum,
        ph_ttfb: r.ph_ttfb,
      }))
      const key = (r: { skey: number; bucket: number }) => r.skey * 1e9 + r.bucket
      expect(
        got.sort((a, b) => key(a) - key(b)),
        tier,
      ).toEqual(want.sort((a, b) => key(a) - key(b)))
    }
    for (const [monitorId, mkey] of mkeyOf) {
      const mine = points.filter((p) => skeyOf.get(mkey) === p.skey)
      const c = consensusFromPoints(mine)
      const hours = await s.rollups.consensusRows([mkey], '1h', from, to)
      const want = [...c.hours.values()].map((h) => ({ bucket: h.bucket, up: h.up, down: h.down, maint: h.maint }))
      expect(
        hours
          .map((h) => ({ bucket: h.bucket, up: h.up, down: h.down, maint: h.maint }))
          .sort((a, b) => a.bucket - b.bucket),
        monitorId,
      ).toEqual(want.sort((a, b) => a.bucket - b.bucket))
    }
  }

  const queued = async (d: Database) =>
    dialectUnderTest === 'sqlite'
      ? Number(
          (
            await d.db
              .selectFrom('ts_fold_queue')
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirst()
          )?.n,
        )
      : 0
  const minuteRollupRows = async (d: Database) =>
    Number(
      (
        await d.db
          .selectFrom('ts_rollup_1m')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    )

  it('a payload decodes to the points it was made of', () => {
    const points: FoldPoint[] = [
      { skey: 1, mkey: 7, at: NOW + 123, status: 0, maintenance: false, lat: 0, phases: null },
      {
        skey: 4_000_000_000,
        mkey: 2 ** 31,
        at: 1,
        status: 2,
        maintenance: true,
        lat: 655_359,
        phases: [0, 1, 2, 3, 4],
      },
      { skey: 3, mkey: 3, at: NOW, status: 1, maintenance: false, lat: 12, phases: [0, 0, 0, 0, 0] },
    ]
    expect(decodePoints(encodePoints(points))).toEqual(points)
    expect(() => decodePoints(encodePoints(points).subarray(0, 50))).toThrow(/not whole points/)
  })

  if (dialectUnderTest === 'sqlite') {
    it('acknowledges into the queue; a read folds first and sees every acknowledged result', async () => {
      const s = await store()
      const { batches: bs, all } = batches(1, 6)
      await ingestAll(s.first.results, s.probeId, bs)
      // Acknowledged: raw rows and queue rows are stored, the rollups not yet.
      expect(await queued(s.first.database)).toBe(6)
      expect(await minuteRollupRows(s.first.database)).toBe(0)
      const raw = await s.first.results.listForMonitor(all[0]!.monitorId, { limit: 1000, offset: 0 })
      expect(raw).toHaveLength(120)
      await expectFolded(s.first, all)
      expect(await queued(s.first.database)).toBe(0)
      // A retried batch is refused by its claim and queues nothing.
      const again = await s.first.results.ingest({
        probeId: s.probeId,
        networkType: 'external',
        batchId: 'b0',
        now: NOW,
        rawCutoff: -Infinity,
        items: bs[0]!,
      })
      expect(again).toEqual({ duplicate: true, stored: 0 })
      expect(await queued(s.first.database)).toBe(0)
    })

    it('a stopped process loses nothing: the next open folds what was queued', async () => {
      const s = await store()
      const { batches: bs, all } = batches(2, 5)
      await ingestAll(s.first.results, s.probeId, bs)
      expect(await queued(s.first.database)).toBe(5)
      // Closed without folding, as a killed process would leave it.
      await s.first.database.close()
      const next = await s.reopen({ maxResults: 1_000_000, delayMs: 3_600_000 })
      expect(next.results).toBeDefined()
      // Left rows are folded on the next tick after opening, without any read.
      await expect.poll(() => queued(next.database), { timeout: 5000 }).toBe(0)
      expect(await minuteRollupRows(next.database)).toBeGreaterThan(0)
      await expectFolded(next, all)
    })

    it('a fold that fails leaves its batches queued, and a later one folds them', async () => {
      const s = await store()
      const { batches: bs, all } = batches(6, 4)
      await ingestAll(s.first.results, s.probeId, bs)
      const db = s.first.database.db
      await sql`alter table ts_rollup_1h rename to ts_rollup_1h_away`.execute(db)
      await expect(s.first.results.settle()).rejects.toThrow(/ts_rollup_1h/)
      // Rolled back: nothing half-folded, every batch still waiting.
      expect(await queued(s.first.database)).toBe(4)
      expect(await minuteRollupRows(s.first.database)).toBe(0)
      await sql`alter table ts_rollup_1h_away rename to ts_rollup_1h`.execute(db)
      await expectFolded(s.first, all)
      expect(await queued(s.first.database)).toBe(0)
    })

    it('is bounded: at maxResults waiting, the ingest returns only once folded', async () => {
      const s = await store()
      const bounded = await s.reopen({ maxResults: 100, delayMs: 3_600_000 })
      const { batches: bs, all } = batches(3, 5)
      await ingestAll(bounded.results, s.probeId, bs.slice(0, 2))
      // 80 results wait, under the bound.
      expect(await queued(bounded.database)).toBe(2)
      await ingestAll(bounded.results, s.probeId, bs.slice(2, 3), 2)
      // 120 ≥ 100: folded before the third ingest returned.
      expect(await queued(bounded.database)).toBe(0)
      expect(await minuteRollupRows(bounded.database)).toBeGreaterThan(0)
      await ingestAll(bounded.results, s.probeId, bs.slice(3), 3)
      await expectFolded(bounded, all)
    })

    it('folds by itself after delayMs when nothing reads', async () => {
      const s = await store()
      const quick = await s.reopen({ maxResults: 1_000_000, delayMs: 20 })
      const { batches: bs, all } = batches(4, 3)
      await ingestAll(quick.results, s.probeId, bs)
      await expect.poll(() => queued(quick.database), { timeout: 5000 }).toBe(0)
      await expectFolded(quick, all)
    })
  } else {
    it('folds in the batch transaction: rollups are stored when the ingest returns', async () => {
      const s = await store()
      const { batches: bs, all } = batches(5, 3)
      await ingestAll(s.first.results, s.probeId, bs)
      expect(await minuteRollupRows(s.first.database)).toBeGreaterThan(0)
      await expectFolded(s.first, all)
    })
  }
})
