import type { Timings } from '@whatisup/shared'
import type { Kysely } from 'kysely'
import { sqliteHandle } from '../db.js'
import type { DB } from '../schema.js'
import { bucketOf, dayStart, MINUTE_MS, minuteOf, TIER_RETENTION_MS, TIERS } from '../timeseries/buckets.js'
import {
  packCode,
  packTimings,
  type StatusCode,
  timingTenths,
  toTenths,
  unpackCode,
  unpackTimings,
} from '../timeseries/codec.js'
import { createDayPartitions } from '../timeseries/partitions.js'
import {
  accumulate,
  categoryOf,
  consensusFromPoints,
  foldState,
  type MinuteCounts,
  type NetCode,
  netCode,
  newCounts,
} from '../timeseries/rollup.js'
import { flagLateWrites } from './coarse.repository.js'
import { decodePoints, type FoldPoint, FoldQueue, type FoldQueueOptions } from './fold-queue.js'
import { pgWriter } from './pg-writer.js'
import { listRaw, rawRange } from './raw-reads.js'
import {
  addConsensus,
  type ConsensusDelta,
  insertRollups,
  isPostgres,
  lockMonitors,
  lockSeries,
  putConsensusMinutes,
} from './rollup-writer.js'
import type { SeriesInfo, SeriesRepository } from './series.repository.js'
import { sqliteWriter, type TsWriter } from './ts-writer.js'

/**
 * The shape the results API maps (monitors.service `toResultOut`): unchanged from the first
 * schema, rebuilt from the compact row, its packed timings and its optional detail row.
 */
export interface ResultRow {
  /** `<series>-<checked_at>`: results are keyed by series and time, not by a counter. */
  id: string
  monitor_id: string
  probe_id: string
  checked_at: number
  /** 0 up, 1 degraded, 2 down. */
  status: number
  latency_ms: number
  http_status: number | null
  /** JSON: timings, failure, tls, conditions, details, remote_address, final_url, redirect_count. */
  detail: string | null
}
/** The first schema's row shape, still accepted by `insertBatch` (tests, seeders). */
export type NewResultRow = Omit<ResultRow, 'id'>

export interface IngestItem {
  monitorId: string
  at: number
  status: StatusCode
  maintenance: boolean
  latencyMs: number
  httpStatus: number | null
  timings: Timings | null
  /** Rich detail JSON (without timings) when it carries information, else null. */
  detail: string | null
}

export interface IngestBatchInput {
  probeId: string
  /** The probe's network type now: its results count towards that consensus view. */
  networkType: string
  batchId: string
  now: number
  /** Results checked before this are rolled up but not stored raw (beyond raw retention). */
  rawCutoff: number
  items: readonly IngestItem[]
}

interface Point extends FoldPoint {
  code: number
  tm: Uint8Array | null
  detail: string | null
}

/** SQLite fold queue bounds (fold-queue.ts): 10 probe batches, a quarter second. */
export const FOLD_QUEUE = { maxResults: 5000, delayMs: 250 }

export class ResultsRepository {
  private knownDays = new Set<number>()
  /** SQLite only: stored batches waiting for their fold. */
  private queue: FoldQueue | null

  constructor(
    private db: Kysely<DB>,
    private series: SeriesRepository,
    fold: FoldQueueOptions = FOLD_QUEUE,
  ) {
    const h = sqliteHandle(db)
    this.queue = h ? new FoldQueue(h, () => this.foldQueued(), fold) : null
  }

  /**
   * Stores a probe's batch once with its rollups: in the same transaction on PostgreSQL; on SQLite
   * the transaction queues its points and a later one folds many batches at once (`fold-queue.ts`,
   * `settle()` before reads). The (probe, batch_id) row is the idempotency key: a retried batch
   * stores and counts nothing. A result already stored (same series and time, resent under another
   * batch id) is not counted twice either.
   */
  async ingest(input: IngestBatchInput): Promise<{ duplicate: boolean; stored: number }> {
    const net = netCode(input.networkType)
    const mk = await this.series.monitorKeys(input.items.map((i) => i.monitorId))
    const sk = await this.series.seriesKeys([...mk.values()], input.probeId, net, input.now)
    const seen = new Set<string>()
    const points: Point[] = []
    for (const it of input.items) {
      const mkey = mk.get(it.monitorId)
      const skey = mkey === undefined ? undefined : sk.get(mkey)
      if (mkey === undefined || skey === undefined || seen.has(`${skey}:${it.at}`)) continue
      seen.add(`${skey}:${it.at}`)
      const tm = packTimings(it.timings)
      const lat = toTenths(it.latencyMs)
      points.push({
        skey,
        mkey,
        at: it.at,
        status: it.status,
        maintenance: it.maintenance,
        lat,
        phases: timingTenths(it.timings),
        code: packCode(it.status, it.maintenance, it.httpStatus),
        tm,
        detail: it.detail,
      })
    }
    const storable = points.filter((p) => p.at >= input.rawCutoff)
    // Series read before the transaction: on SQLite nothing else may use the connection inside it.
    const minuteHorizon = minuteOf(input.now - TIER_RETENTION_MS['1m']) + 60
    const late = points.some((p) => minuteOf(p.at) < minuteHorizon)
    const sameNet = late
      ? (await this.series.seriesOf([...new Set(points.map((p) => p.mkey))])).filter((s) => s.net === net)
      : []
    // A late batch folds in its own transaction, reading raw rows for its old minutes: queued
    // batches first, so what it reads and what it folds never overlap with a pending fold.
    if (late) await this.settle()
    const write = () => this.write(input, net, points, storable, late, sameNet)
    if (!isPostgres(this.db)) return write()
    await this.ensurePartitions(storable.map((p) => p.at))
    try {
      return await write()
    } catch (err) {
      // 23514: no partition for a row. Another replica's retention or compaction dropped a day
      // this process still had cached: forget the cache, create what is missing, once more.
      if ((err as { code?: string }).code !== '23514') throw err
      this.knownDays.clear()
      await this.ensurePartitions(storable.map((p) => p.at))
      return write()
    }
  }

  private async write(
    input: IngestBatchInput,
    net: NetCode,
    points: readonly Point[],
    storable: readonly Point[],
    /** Some points are past the minute tier's horizon (their minutes derive from raw rows). */
    late: boolean,
    sameNet: readonly SeriesInfo[],
  ): Promise<{ duplicate: boolean; stored: number }> {
    const none = { queued: null }
    const { queued, ...out } = await this.db.transaction().execute(async (tx) => {
      const w = sqliteWriter(this.db) ?? pgWriter(tx)
      if (!(await w.claimBatch(input.probeId, input.batchId, input.now))) return { duplicate: true, stored: 0, ...none }
      if (points.length === 0) return { duplicate: false, stored: 0, ...none }
      const minuteHorizon = minuteOf(input.now - TIER_RETENTION_MS['1m']) + 60
      // The series' rollups are this probe's alone; the monitor's consensus is shared with its other
      // probes, so the monitor lock is taken as late as possible: just before the consensus step.
      await w.lockSeries(points.map((p) => p.skey))
      // Minutes past the minute tier's horizon derive their state from raw rows, which must be read
      // before this batch's rows are inserted: such a (rare, late) batch takes the monitor lock now.
      const before = late ? await this.lockedMinuteStates(tx, w, points, net, minuteHorizon, sameNet) : null

      const inserted = await w.insertResults(
        storable
          .map((p) => ({ skey: p.skey, at: p.at, code: p.code, lat: p.lat, tm: p.tm }))
          .sort((a, b) => a.skey - b.skey || a.at - b.at),
      )
      const fresh = points.filter((p) => p.at < input.rawCutoff || inserted.has(`${p.skey}:${p.at}`))
      await w.insertDetails(
        fresh
          .filter((p) => p.detail !== null && p.at >= input.rawCutoff)
          .map((p) => ({ skey: p.skey, at: p.at, detail: p.detail as string })),
      )
      const stored = { duplicate: false, stored: inserted.size }
      // SQLite: folded with the batches queued next to it (fold-queue.ts); this commit acknowledges it.
      if (this.queue && !late)
        return {
          ...stored,
          queued: fresh.length > 0 ? { id: this.queue.append(net, input.now, fresh), n: fresh.length } : null,
        }
      await this.fold(tx, w, fresh, net, input.now, before, sameNet)
      return { ...stored, ...none }
    })
    if (queued) await this.queue?.committed(queued.id, queued.n)
    return out
  }

  /**
   * Folds stored results into the rollup tiers and the consensus tables. `before` holds the
   * touched minutes' states when the caller read them already (a late batch), else they are read
   * here under the monitors' locks.
   */
  private async fold(
    tx: Kysely<DB>,
    w: TsWriter,
    fresh: readonly FoldPoint[],
    net: number,
    now: number,
    before: Map<string, number> | null,
    sameNet: readonly SeriesInfo[],
  ): Promise<void> {
    if (fresh.length === 0) return
    const minuteHorizon = minuteOf(now - TIER_RETENTION_MS['1m']) + 60
    // Rows older than a tier's retention would be purged again at once: not written.
    const horizon = { '1m': minuteHorizon * MINUTE_MS, '1h': now - TIER_RETENTION_MS['1h'], '1d': -Infinity }
    // Written in key order: consecutive rows land on the same B-tree leaf (SQLite: ~2× fewer
    // cycles per row than the batch's interleaved order). Groups keep their points' order.
    const bySeries = [...fresh].sort((a, b) => a.skey - b.skey || a.at - b.at)
    await w.addRollups(
      TIERS.map((tier) => ({
        tier,
        groups: [
          ...accumulate(
            bySeries.filter((p) => p.at >= horizon[tier]),
            (at) => bucketOf(at, tier),
          ).values(),
        ],
      })),
    )
    const byMonitor = [...fresh].sort((a, b) => a.mkey - b.mkey || a.at - b.at)
    const states = before ?? (await this.lockedMinuteStates(tx, w, byMonitor, net, minuteHorizon, sameNet))
    await this.foldConsensus(w, byMonitor, net, states, minuteHorizon, minuteOf(horizon['1h']))
    // Day rows of a week already built as a coarse period: flag it for a rebuild (rare: late batches).
    await flagLateWrites(
      tx,
      fresh.map((p) => p.at),
      now,
    )
  }

  /**
   * SQLite: folds every queued batch in one transaction that also deletes them from the queue. Each
   * network type's points fold together; `now` is the oldest batch's, so no queued point is past
   * the minute tier's horizon (late batches never queue) and every minute state is read from the
   * consensus table, not rebuilt from raw rows that already hold these points.
   */
  private foldQueued(): Promise<{ last: number; results: number }> {
    return this.db.transaction().execute(async (tx) => {
      // Taken and deleted by the transaction's first statement, a write: it holds the write lock from
      // the start (another process writing waits instead of failing an upgrade), and a failed fold
      // rolls the rows back into the queue. The fold does not depend on their order.
      const rows = await tx.deleteFrom('ts_fold_queue').returningAll().execute()
      if (rows.length === 0) return { last: 0, results: 0 }
      const w = sqliteWriter(this.db) as TsWriter
      const byNet = new Map<number, FoldPoint[]>()
      let now = Infinity
      for (const r of rows) {
        const list = byNet.get(r.net) ?? []
        for (const p of decodePoints(r.points)) list.push(p)
        byNet.set(r.net, list)
        now = Math.min(now, Number(r.queued_at))
      }
      for (const [net, points] of byNet) await this.fold(tx, w, points, net, now, null, [])
      return { last: Math.max(...rows.map((r) => r.id)), results: rows.reduce((n, r) => n + r.n, 0) }
    })
  }

  /**
   * Every acknowledged result is in the rollups when this resolves (a no-op on PostgreSQL, which
   * folds in the batch's transaction). Reads of the rollup and consensus tables call it first.
   */
  async settle(): Promise<void> {
    await this.queue?.settle()
  }

  /** Folds what waits and stops the fold timer (before the database closes). */
  async close(): Promise<void> {
    try {
      await this.settle()
    } finally {
      this.queue?.stop()
    }
  }

  /** Takes the monitors' write locks, then reads their minute states. */
  private async lockedMinuteStates(
    tx: Kysely<DB>,
    w: TsWriter,
    points: readonly FoldPoint[],
    net: number,
    minuteHorizon: number,
    sameNet: readonly SeriesInfo[],
  ) {
    await w.lockMonitors(points.map((p) => p.mkey))
    return this.minuteStates(tx, w, points, net, minuteHorizon, sameNet)
  }

  /** State of each touched (monitor, minute) before this batch. */
  private async minuteStates(
    tx: Kysely<DB>,
    w: TsWriter,
    points: readonly FoldPoint[],
    net: number,
    minuteHorizon: number,
    sameNet: readonly SeriesInfo[],
  ) {
    const recent = new Map<string, { mkey: number; minute: number }>()
    const old = new Set<number>()
    for (const p of points) {
      const minute = minuteOf(p.at)
      if (minute >= minuteHorizon) recent.set(`${p.mkey}:${minute}`, { mkey: p.mkey, minute })
      else old.add(minute)
    }
    const states = await w.consensusStates([...recent.values()], net)
    if (old.size > 0) {
      // Beyond the minute tier's retention the state is recomputed from raw (a late replay).
      const lo = Math.min(...old) * MINUTE_MS
      const hi = (Math.max(...old) + 1) * MINUTE_MS
      const series = sameNet
      const mkeyOf = new Map(series.map((s) => [s.skey, s.mkey]))
      for (const r of await rawRange(
        tx,
        series.map((s) => s.skey),
        lo,
        hi,
      )) {
        const m = minuteOf(r.at)
        if (!old.has(m)) continue
        const k = `${mkeyOf.get(r.skey)}:${m}`
        const c = unpackCode(r.code)
        states.set(k, foldState(states.get(k) ?? 0, c.status, c.maintenance))
      }
    }
    return states
  }

  /** Consensus minutes: fold the new results, then move each changed minute between categories. */
  private async foldConsensus(
    w: TsWriter,
    fresh: readonly FoldPoint[],
    net: number,
    before: Map<string, number>,
    minuteHorizon: number,
    hourHorizon: number,
  ): Promise<void> {
    const after = new Map<string, { mkey: number; minute: number; state: number }>()
    for (const p of fresh) {
      const minute = minuteOf(p.at)
      const k = `${p.mkey}:${minute}`
      const cur = after.get(k) ?? { mkey: p.mkey, minute, state: before.get(k) ?? 0 }
      cur.state = foldState(cur.state, p.status, p.maintenance)
      after.set(k, cur)
    }
    const hourly = new Map<string, ConsensusDelta>()
    const daily = new Map<string, ConsensusDelta>()
    const minutes: { mkey: number; net: number; bucket: number; state: number }[] = []
    for (const [k, a] of after) {
      const old = before.get(k) ?? 0
      if (a.state === old) continue
      if (a.minute >= minuteHorizon) minutes.push({ mkey: a.mkey, net, bucket: a.minute, state: a.state })
      const from = categoryOf(old)
      const to = categoryOf(a.state)
      if (from === to) continue
      const hour = Math.floor(a.minute / 60) * 60
      const day = Math.floor(a.minute / 1440) * 1440
      for (const [map, bucket] of [
        [hourly, hour],
        [daily, day],
      ] as const) {
        if (map === hourly && bucket < hourHorizon) continue
        const dk = `${a.mkey}:${bucket}`
        const d = map.get(dk) ?? { mkey: a.mkey, net, bucket, ...newCounts() }
        if (from) d[from]--
        if (to) d[to]++
        map.set(dk, d)
      }
    }
    await w.writeConsensus({
      minutes,
      hours: [...hourly.values()].filter(nonZero),
      days: [...daily.values()].filter(nonZero),
    })
  }

  /**
   * Recomputes every rollup of one monitor for one UTC day from its raw rows (the rebuild
   * command), replacing what was there, in one transaction under the monitor's write lock.
   */
  async rebuildDay(mkey: number, series: readonly SeriesInfo[], day: number, now: number): Promise<number> {
    const skeys = series.map((s) => s.skey)
    const netOf = new Map(series.map((s) => [s.skey, s.net]))
    const from = dayStart(day)
    const to = from + 86_400_000
    const minuteHorizon = minuteOf(now - TIER_RETENTION_MS['1m']) + 60
    const hourHorizon = minuteOf(now - TIER_RETENTION_MS['1h'])
    // Queued folds first: this day's raw rows already hold their points.
    await this.settle()
    return this.db.transaction().execute(async (tx) => {
      await lockSeries(tx, skeys)
      await lockMonitors(tx, [mkey])
      const raw = await rawRange(tx, skeys, from, to)
      const points = raw.map((r) => {
        const c = unpackCode(r.code)
        return {
          skey: r.skey,
          at: r.at,
          status: c.status,
          maintenance: c.maintenance,
          lat: r.lat,
          phases: timingTenths(unpackTimings(r.tm)),
          net: netOf.get(r.skey) ?? 0,
        }
      })
      const fromMin = from / MINUTE_MS
      const toMin = to / MINUTE_MS
      for (const tier of TIERS) {
        if (skeys.length > 0)
          await tx
            .deleteFrom(`ts_rollup_${tier}` as 'ts_rollup_1m')
            .where('skey', 'in', skeys)
            .where('bucket', '>=', fromMin)
            .where('bucket', '<', toMin)
            .execute()
        const groups = accumulate(points, (at) => bucketOf(at, tier))
        const keep = [...groups.values()].filter(
          (g) => tier === '1d' || g.bucket >= (tier === '1m' ? minuteHorizon : hourHorizon),
        )
        await insertRollups(tx, tier, keep)
      }
      for (const t of ['ts_consensus_1m', 'ts_consensus_1h', 'ts_consensus_1d'] as const)
        await tx
          .deleteFrom(t as 'ts_consensus_1m')
          .where('mkey', '=', mkey)
          .where('net', 'in', [0, 1])
          .where('bucket', '>=', fromMin)
          .where('bucket', '<', toMin)
          .execute()
      const c = consensusFromPoints(points)
      await putConsensusMinutes(
        tx,
        [...c.minutes.values()]
          .filter((m) => m.minute >= minuteHorizon)
          .map((m) => ({ mkey, net: m.net, bucket: m.minute, state: m.state })),
      )
      await addConsensus(
        tx,
        '1h',
        [...c.hours.values()].filter((h) => h.bucket >= hourHorizon).map((h) => ({ mkey, ...h })),
        'insert',
      )
      await addConsensus(
        tx,
        '1d',
        [...c.days.values()].map((d) => ({ mkey, ...d })),
        'insert',
      )
      await flagLateWrites(tx, [from], now)
      return points.length
    })
  }

  /** Creates missing day partitions (PostgreSQL) before a transaction writes into them. */
  async ensurePartitions(ats: readonly number[]): Promise<void> {
    const days = new Set<number>()
    for (const at of ats) {
      const d = dayStart(at)
      if (!this.knownDays.has(d)) days.add(d)
    }
    if (days.size === 0) return
    await createDayPartitions(this.db as Kysely<unknown>, days)
    for (const d of days) this.knownDays.add(d)
  }

  /** Forget one cached partition (compaction dropped it: a late row must recreate it). */
  forgetPartition(day: number): void {
    this.knownDays.delete(dayStart(day))
  }

  /** Forget cached partitions (after retention dropped some). */
  forgetPartitionsBefore(day: number): void {
    for (const d of this.knownDays) if (d < day) this.knownDays.delete(d)
  }

  /**
   * Stores rows in the first schema's shape (for seeders and tests): `detail` JSON is split into
   * packed timings and the rest. All results count as external unless the probe says otherwise.
   */
  async insertBatch(
    probeId: string,
    batchId: string,
    rows: NewResultRow[],
    at: number,
  ): Promise<{ duplicate: boolean }> {
    const probe = await this.db.selectFrom('probes').select('network_type').where('id', '=', probeId).executeTakeFirst()
    const { duplicate } = await this.ingest({
      probeId,
      networkType: probe?.network_type ?? 'external',
      batchId,
      now: at,
      rawCutoff: -Infinity,
      items: rows.map((r) => {
        const { timings, ...rest } = r.detail ? (JSON.parse(r.detail) as { timings?: Timings }) : {}
        return {
          monitorId: r.monitor_id,
          at: r.checked_at,
          status: (r.status as StatusCode) ?? 2,
          maintenance: false,
          latencyMs: r.latency_ms,
          httpStatus: r.http_status,
          timings: timings ?? null,
          detail: Object.keys(rest).length > 0 ? JSON.stringify(rest) : null,
        }
      }),
    })
    return { duplicate }
  }

  /** Newest first across the monitor's series: rows, then packed past days. */
  async listForMonitor(
    monitorId: string,
    opts: { limit: number; offset: number; since?: number | undefined },
  ): Promise<ResultRow[]> {
    const mkey = await this.series.findMonitorKey(monitorId)
    if (mkey === undefined) return []
    return listRaw(this.db, monitorId, await this.series.seriesOf([mkey]), opts)
  }
}

function nonZero(d: MinuteCounts): boolean {
  return d.up !== 0 || d.degraded !== 0 || d.down !== 0 || d.maint !== 0
}
