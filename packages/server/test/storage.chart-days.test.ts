import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCoarseRollups } from '../src/jobs/coarse-rollups.js'
import { runRetention } from '../src/jobs/retention.js'
import type { IngestItem } from '../src/storage/repositories/results.repository.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, minuteOf } from '../src/storage/timeseries/buckets.js'
import { type ChartHour, decodeChartDay, encodeChartDay } from '../src/storage/timeseries/chart-hours.js'
import type { StatusCode } from '../src/storage/timeseries/codec.js'
import {
  createTestContext,
  dialectUnderTest,
  type FleetProbe,
  ingestByProbe,
  seedFleet,
  type TestContext,
  type TestUser,
} from './helpers.js'
import { prng } from './prng.js'

type Sent = IngestItem & { probeId: string }
interface Point {
  t: string
  checks: number
  up: number
  degraded: number
  down: number
  maintenance: number
  uptime_percent: number | null
  avg_ms: number | null
  min_ms: number | null
  max_ms: number | null
  p95_ms: number | null
  phases: Record<string, number> | null
}

describe('chart day encoding', () => {
  it('round-trips any day of hours, nulls and large sums included (property, 200 seeds)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = prng(seed)
      const int = (max: number) => Math.floor(rand() * max)
      const day = (20_000 + int(1000)) * 1440
      const hours: ChartHour[] = []
      for (let h = 0; h < 24; h++) {
        if (rand() < 0.3) continue
        const empty = rand() < 0.1
        const counts = () => ({ up: int(61), degraded: int(5), down: int(10), maint: int(3) })
        hours.push({
          bucket: day + h * 60,
          n: int(10_000),
          up: int(5000),
          degraded: int(50),
          down: int(50),
          maint: int(5),
          lat_sum: int(2 ** 40),
          lat_min: empty ? null : int(100_000),
          lat_max: empty ? null : int(10_000_000),
          ph_n: int(5000),
          ph_dns: int(2 ** 35),
          ph_connect: int(2 ** 35),
          ph_tls: int(2 ** 35),
          ph_ttfb: int(2 ** 35),
          ph_transfer: int(2 ** 35),
          p95: empty ? null : int(256),
          internal: counts(),
          external: counts(),
        })
      }
      const data = encodeChartDay([...hours].reverse(), day)
      const all: ChartHour[] = []
      decodeChartDay(data, day, day, day + 1440, all)
      expect(all).toEqual(hours)
      // A window inside the day gets only its hours.
      const from = day + int(24) * 60
      const to = from + int(24) * 60
      const some: ChartHour[] = []
      decodeChartDay(data, day, from, to, some)
      expect(some).toEqual(hours.filter((h) => h.bucket >= from && h.bucket < to))
    }
  })

  it('refuses an hour outside its day', () => {
    const h = { bucket: 1440 * 3 } as ChartHour
    expect(() => encodeChartDay([h], 1440)).toThrow(/not in day/)
  })
})

/**
 * Chart days: a 30-day chart reads one stored row per closed day and the live hour tiers for the
 * rest. The API's points are the same whether a day is stored or not, equal the raw results of
 * each hour, and a late write into a stored day is seen at once (the day is read live until the
 * job rebuilds it).
 */
describe(`chart days (${dialectUnderTest})`, () => {
  let t: TestContext
  let user: TestUser
  const probes: FleetProbe[] = []
  const monitors: string[] = []
  const sent: Sent[] = []
  let batch = 0

  const items = (rand: () => number, n: number, fromMs: number, toMs: number): Sent[] =>
    Array.from({ length: n }, () => {
      const p = probes[Math.floor(rand() * probes.length)]!
      const r = rand()
      const status = (r < 0.8 ? 0 : r < 0.9 ? 1 : 2) as StatusCode
      const ms = () => Math.round(rand() * 3000) / 10
      return {
        probeId: p.id,
        monitorId: monitors[Math.floor(rand() * monitors.length)]!,
        // Whole seconds: two results of one probe at one instant are one result.
        at: Math.floor((fromMs + rand() * (toMs - fromMs)) / 1000) * 1000,
        status,
        maintenance: rand() < 0.03,
        latencyMs: Math.round(rand() * 9000) / 10,
        httpStatus: status === 2 ? 503 : 200,
        timings:
          rand() < 0.5 ? { dns_ms: ms(), connect_ms: ms(), tls_ms: ms(), ttfb_ms: ms(), transfer_ms: ms() } : null,
        detail: null,
      }
    })
  const send = async (list: Sent[]) => {
    await ingestByProbe(t, probes, list, () => `b${batch++}`)
    sent.push(...list)
  }
  const chart = async (monitor: string, query = 'hours=720') => {
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/v1/monitors/${monitor}/series?${query}`,
      headers: user.auth,
    })
    expect(r.statusCode, r.body).toBe(200)
    return r.json() as { step: string; points: Point[] }
  }
  /** A new access token after the clock moved past the old one's lifetime. */
  const relogin = async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user.username, password: user.password },
    })
    expect(r.statusCode).toBe(200)
    user = { ...user, auth: { authorization: `Bearer ${(r.json() as { access_token: string }).access_token}` } }
  }
  /** Moves the chart days' published mark by hand (reads trust stored days before it). */
  const setChartBuilt = (through: number) =>
    t.deps.database.db
      .updateTable('ts_coarse_state')
      .set({ built_through: through })
      .where('tier', '=', 'chart_1h')
      .execute()
  const charts = async () => {
    const out: unknown[] = []
    for (const m of monitors) out.push(await chart(m), await chart(m, 'hours=720&percentiles=true'))
    return out
  }

  /** Each point equals the raw results of its hour (first of duplicates kept). */
  function expectPointsMatchRaw(monitor: string, points: Point[], withP95: boolean): void {
    const unique = new Map<string, Sent>()
    for (const s of sent) {
      const k = `${s.probeId}:${s.monitorId}:${s.at}`
      if (!unique.has(k)) unique.set(k, s)
    }
    const byHour = new Map<number, Sent[]>()
    for (const s of unique.values()) {
      if (s.monitorId !== monitor) continue
      const h = Math.floor(s.at / HOUR_MS) * HOUR_MS
      byHour.set(h, [...(byHour.get(h) ?? []), s])
    }
    const now = t.clock.now()
    const from = Math.floor((now - 720 * HOUR_MS) / HOUR_MS) * HOUR_MS
    const hours = [...byHour.keys()].filter((h) => h >= from && h < now).sort((a, b) => a - b)
    expect(points.map((p) => Date.parse(p.t))).toEqual(hours)
    for (const p of points) {
      const rs = byHour.get(Date.parse(p.t))!
      const ok = rs.filter((r) => r.status !== 2)
      const lats = ok.map((r) => Math.round(r.latencyMs * 10)).sort((a, b) => a - b)
      expect([p.checks, p.up, p.degraded, p.down, p.maintenance]).toEqual([
        rs.length,
        rs.filter((r) => r.status === 0).length,
        rs.filter((r) => r.status === 1).length,
        rs.filter((r) => r.status === 2).length,
        rs.filter((r) => r.maintenance).length,
      ])
      if (ok.length === 0) {
        expect([p.avg_ms, p.min_ms, p.max_ms, p.p95_ms]).toEqual([null, null, null, null])
        continue
      }
      expect(Math.abs(p.avg_ms! - lats.reduce((a, b) => a + b, 0) / 10 / lats.length)).toBeLessThanOrEqual(0.0501)
      expect([p.min_ms, p.max_ms]).toEqual([lats[0]! / 10, lats[lats.length - 1]! / 10])
      if (withP95) {
        const exact = lats[Math.max(1, Math.ceil(0.95 * lats.length)) - 1]! / 10
        expect(Math.abs(p.p95_ms! - exact)).toBeLessThanOrEqual(exact * 0.05 + 0.1)
      } else expect(p.p95_ms).toBeNull()
      const timed = ok.filter((r) => r.timings)
      if (timed.length === 0) expect(p.phases).toBeNull()
      else
        expect(p.phases!.dns).toBeCloseTo(
          timed.reduce((a, r) => a + Math.round(r.timings!.dns_ms! * 10), 0) / 10 / timed.length,
          1,
        )
    }
  }

  beforeAll(async () => {
    t = await createTestContext()
    user = await t.createUser({ superadmin: true })
    const now = t.clock.now()
    const fleet = await seedFleet(t, user.id)
    probes.push(...fleet.probes)
    monitors.push(...fleet.monitors)
    // 100 days of history (the oldest 10 past the hour tier's 90 days), denser in the last 40.
    await send(items(prng(11), 1500, now - 100 * DAY_MS, now - 40 * DAY_MS))
    await send(items(prng(12), 6000, now - 40 * DAY_MS, now))
  })
  afterAll(() => t.close())

  it('stored chart days give the same points as the hour tiers, equal to the raw results of each hour', async () => {
    const before = await charts()
    for (const m of monitors) {
      expectPointsMatchRaw(m, (await chart(m)).points, false)
      expectPointsMatchRaw(m, (await chart(m, 'hours=720&percentiles=true')).points, true)
    }
    const r = await buildCoarseRollups(t.deps)
    // Hour rows reach back 90 days: the closed days among them are built, a row per monitor and day.
    expect(r.built.chart_1h).toBeGreaterThanOrEqual(89)
    const rows = await t.deps.database.db.selectFrom('ts_chart_1h').select(['mkey', 'bucket']).execute()
    expect(rows.length).toBeGreaterThanOrEqual(3 * 35)
    // The last day built is the last that closed an hour ago.
    const lastClosed = Math.floor((t.clock.now() - HOUR_MS) / DAY_MS) * 1440 - 1440
    expect(Math.max(...rows.map((x) => Number(x.bucket)))).toBe(lastClosed)
    expect(await charts()).toEqual(before)
    // The stored rows are what the chart reads: a row changed by hand shows.
    const mkey = (await t.deps.repos.series.findMonitorKeys([monitors[0]!])).get(monitors[0]!) as number
    const fake = {
      ...(await t.deps.repos.rollups.liveChartHours([mkey], lastClosed, lastClosed + 1440, { p95: true })).get(
        mkey,
      )![0]!,
    }
    fake.n = 12345
    await t.deps.database.db
      .updateTable('ts_chart_1h')
      .set({ data: Buffer.from(encodeChartDay([fake], lastClosed)) })
      .where('mkey', '=', mkey)
      .where('bucket', '=', lastClosed)
      .execute()
    const changed = (await chart(monitors[0]!)).points.filter(
      (p) => Date.parse(p.t) >= lastClosed * MINUTE_MS && Date.parse(p.t) < (lastClosed + 1440) * MINUTE_MS,
    )
    expect(changed.map((p) => p.checks)).toEqual([12345])
    await setChartBuilt(lastClosed)
    expect((await buildCoarseRollups(t.deps)).built.chart_1h).toBe(1)
    expect(await charts()).toEqual(before)
    // Any window that reads hours: the same points with its days stored as read live.
    const built = (await t.deps.repos.coarse.state()).chart_1h!.built
    const rand = prng(13)
    for (let i = 0; i < 10; i++) {
      const now = t.clock.now()
      const to = now - Math.floor(rand() * 20) * DAY_MS - Math.floor(rand() * 24) * HOUR_MS
      const from = to - (13 + Math.floor(rand() * 24 * 18)) * HOUR_MS
      const q = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&percentiles=true`
      const m = monitors[i % 3]!
      const stored = await chart(m, q)
      expect(stored.step).toBe('1h')
      await setChartBuilt(0)
      expect(await chart(m, q)).toEqual(stored)
      await setChartBuilt(built)
    }
  })

  it('a late batch into a stored day is seen at once, and the job rebuilds that day', async () => {
    const now = t.clock.now()
    const lateFrom = Math.floor((now - 5 * DAY_MS) / DAY_MS) * DAY_MS
    await send(items(prng(14), 300, lateFrom, lateFrom + DAY_MS))
    const dirty = await t.deps.repos.coarse.dirty()
    expect(dirty.map((d) => `${d.tier}:${d.bucket}`)).toContain(`chart_1h:${minuteOf(lateFrom)}`)
    for (const m of monitors) expectPointsMatchRaw(m, (await chart(m, 'hours=720&percentiles=true')).points, true)
    const before = await charts()

    const r = await buildCoarseRollups(t.deps)
    expect(r.rebuilt).toBeGreaterThanOrEqual(1)
    expect(await t.deps.repos.coarse.dirty()).toEqual([])
    expect(await charts()).toEqual(before)
    // The rebuilt row is read again (the dirty flag is gone) and still equals raw.
    for (const m of monitors) expectPointsMatchRaw(m, (await chart(m)).points, false)
  })

  it('loses nothing when builds run while late batches arrive', async () => {
    const now = t.clock.now()
    // The next day closes: the job builds it while late batches write into it and older days.
    t.clock.advance(DAY_MS)
    await relogin()
    const rand = prng(16)
    await Promise.all([
      buildCoarseRollups(t.deps),
      send(items(rand, 300, now - DAY_MS, now + DAY_MS - 2 * HOUR_MS)),
      send(items(rand, 300, now - 20 * DAY_MS, now - 3 * DAY_MS)),
      buildCoarseRollups(t.deps),
    ])
    await buildCoarseRollups(t.deps)
    expect(await t.deps.repos.coarse.dirty()).toEqual([])
    const stored = await charts()
    const built = (await t.deps.repos.coarse.state()).chart_1h!.built
    await setChartBuilt(0)
    expect(await charts()).toEqual(stored)
    await setChartBuilt(built)
    for (const m of monitors) expectPointsMatchRaw(m, (await chart(m)).points, false)
  })

  it('a batch of the current hour flags no stored day and reads live', async () => {
    const now = t.clock.now()
    await send(items(prng(15), 60, now - 30 * MINUTE_MS, now))
    expect(await t.deps.repos.coarse.dirty()).toEqual([])
    for (const m of monitors) expectPointsMatchRaw(m, (await chart(m)).points, false)
  })

  it('a per-probe chart and a day-step chart are unchanged by stored days', async () => {
    const m = monitors[0]!
    const perProbe = await chart(m, `hours=720&probe_id=${probes[0]!.id}`)
    const days = await chart(m, 'hours=2000')
    expect(days.step).toBe('1d')
    await t.deps.database.db.deleteFrom('ts_chart_1h').execute()
    expect(await chart(m, `hours=720&probe_id=${probes[0]!.id}`)).toEqual(perProbe)
    expect(await chart(m, 'hours=2000')).toEqual(days)
    // Gone rows come back when their days are built again.
    const built = (await t.deps.repos.coarse.state()).chart_1h!.built
    await setChartBuilt(built - 3 * 1440)
    expect((await buildCoarseRollups(t.deps)).built.chart_1h).toBe(3)
    const rows = await t.deps.database.db.selectFrom('ts_chart_1h').select('bucket').execute()
    expect(new Set(rows.map((r) => Number(r.bucket)))).toEqual(new Set([1, 2, 3].map((i) => built - i * 1440)))
    expect(await chart(m, 'hours=72')).toEqual(
      await (async () => {
        await setChartBuilt(0)
        const live = await chart(m, 'hours=72')
        await setChartBuilt(built)
        return live
      })(),
    )
  })

  it('retention keeps chart days as long as hour rows (whole days) and drops those of deleted monitors', async () => {
    const db = t.deps.database.db
    // Rows around the hour tier's horizon, as older builds left them: the day holding the horizon
    // is kept whole (its later hours are still there), the days before it go.
    t.clock.advance(6 * HOUR_MS)
    const cutoffDay = Math.floor((t.clock.now() - 90 * DAY_MS) / DAY_MS) * 1440
    const mkeys = [...(await t.deps.repos.series.findMonitorKeys(monitors)).values()]
    const days = [cutoffDay - 2880, cutoffDay - 1440, cutoffDay, cutoffDay + 1440]
    await db.deleteFrom('ts_chart_1h').where('bucket', 'in', days).execute()
    await db
      .insertInto('ts_chart_1h')
      .values(mkeys.flatMap((mkey) => days.map((bucket) => ({ mkey, bucket, data: Buffer.from([1]) }))))
      .execute()
    await runRetention(t.deps)
    const left = await db.selectFrom('ts_chart_1h').select(['mkey', 'bucket']).execute()
    expect(left.every((r) => Number(r.bucket) >= cutoffDay)).toBe(true)
    expect(left.filter((r) => Number(r.bucket) <= cutoffDay + 1440).length).toBe(2 * mkeys.length)

    const gone = monitors[2]!
    const mkey = (await t.deps.repos.series.findMonitorKeys([gone])).get(gone) as number
    await db.deleteFrom('monitors').where('id', '=', gone).execute()
    await runRetention(t.deps)
    expect(await db.selectFrom('ts_chart_1h').select('mkey').where('mkey', '=', mkey).execute()).toEqual([])
  })
})
