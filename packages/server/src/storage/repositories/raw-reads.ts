import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'
import { dayStart } from '../timeseries/buckets.js'
import { unpackCode, unpackTimings } from '../timeseries/codec.js'
import { unpackDay } from '../timeseries/packed.js'
import type { ResultRow } from './results.repository.js'
import type { SeriesInfo } from './series.repository.js'

/** A raw result as stored (rows, or unpacked from a packed day). */
export interface RawResult {
  skey: number
  at: number
  code: number
  lat: number
  tm: Uint8Array | null
}

/**
 * Raw rows of these series in [from, to): stored rows and packed past days together (each
 * (series, time) once). Reads behind rebuilds and late replays, never behind a page view.
 */
export async function rawRange(
  db: Kysely<DB>,
  skeys: readonly number[],
  from: number,
  to: number,
): Promise<RawResult[]> {
  if (skeys.length === 0 || to <= from) return []
  const rows: RawResult[] = await db
    .selectFrom('ts_results')
    .select(['skey', 'at', 'code', 'lat', 'tm'])
    .where('skey', 'in', [...skeys])
    .where('at', '>=', from)
    .where('at', '<', to)
    .execute()
  const packed = await db
    .selectFrom('ts_results_packed')
    .select(['skey', 'at', 'data'])
    .where('skey', 'in', [...skeys])
    .where('at', '>=', dayStart(from))
    .where('at', '<', to)
    .execute()
  if (packed.length === 0) return rows
  const seen = new Set(rows.map((r) => `${r.skey}:${r.at}`))
  for (const p of packed)
    for (const r of unpackDay(p.data, p.at))
      if (r.at >= from && r.at < to && !seen.has(`${p.skey}:${r.at}`)) rows.push({ skey: p.skey, ...r })
  return rows
}

/** Past days of one series, unpacked newest first, until `need` results older than `rows`. */
async function packedNewestFirst(
  db: Kysely<DB>,
  skey: number,
  need: number,
  rows: readonly RawResult[],
  since: number | undefined,
): Promise<RawResult[]> {
  const out: RawResult[] = []
  const seen = new Set(rows.map((r) => r.at))
  let before = rows.length > 0 ? Math.min(...rows.map((r) => r.at)) + 1 : Number.MAX_SAFE_INTEGER
  while (out.length < need) {
    let q = db
      .selectFrom('ts_results_packed')
      .select(['at', 'data'])
      .where('skey', '=', skey)
      .where('at', '<', before)
      .orderBy('at', 'desc')
      .limit(2)
    if (since !== undefined) q = q.where('at', '>=', dayStart(since))
    const days = await q.execute()
    if (days.length === 0) break
    for (const d of days) {
      for (const r of unpackDay(d.data, d.at).reverse())
        if (r.at < before && !seen.has(r.at) && (since === undefined || r.at >= since)) out.push({ skey, ...r })
    }
    before = days[days.length - 1]!.at
  }
  return out
}

/** Newest first across a monitor's series (each series read by its primary key, then merged). */
export async function listRaw(
  db: Kysely<DB>,
  monitorId: string,
  series: readonly SeriesInfo[],
  opts: { limit: number; offset: number; since?: number | undefined },
): Promise<ResultRow[]> {
  const want = opts.limit + opts.offset
  const perSeries = await Promise.all(
    series.map(async (s) => {
      let q = db
        .selectFrom('ts_results')
        .select(['skey', 'at', 'code', 'lat', 'tm'])
        .where('skey', '=', s.skey)
        .orderBy('at', 'desc')
        .limit(want)
      if (opts.since !== undefined) q = q.where('at', '>=', opts.since)
      const rows: RawResult[] = await q.execute()
      if (rows.length >= want) return rows
      return [...rows, ...(await packedNewestFirst(db, s.skey, want - rows.length, rows, opts.since))]
    }),
  )
  const rows = perSeries
    .flat()
    .sort((a, b) => b.at - a.at || b.skey - a.skey)
    .slice(opts.offset, want)
  if (rows.length === 0) return []
  const detailRows = await db
    .selectFrom('ts_result_details')
    .select(['skey', 'at', 'detail'])
    .where('skey', 'in', [...new Set(rows.map((r) => r.skey))])
    .where('at', '>=', Math.min(...rows.map((r) => r.at)))
    .where('at', '<=', Math.max(...rows.map((r) => r.at)))
    .execute()
  const details = new Map(detailRows.map((d) => [`${d.skey}:${d.at}`, d.detail]))
  const probeOf = new Map(series.map((s) => [s.skey, s.probe_id]))
  return rows.map((r) => {
    const c = unpackCode(r.code)
    const timings = unpackTimings(r.tm)
    const stored = details.get(`${r.skey}:${r.at}`)
    let detail: string | null = stored ?? null
    if (timings)
      detail =
        stored && stored.length > 2
          ? `{"timings":${JSON.stringify(timings)},${stored.slice(1)}`
          : JSON.stringify({ timings })
    return {
      id: `${r.skey}-${r.at}`,
      monitor_id: monitorId,
      probe_id: probeOf.get(r.skey) ?? '',
      checked_at: r.at,
      status: c.status,
      latency_ms: r.lat / 10,
      http_status: c.httpStatus,
      detail,
    }
  })
}
