import { VarintReader, VarintWriter } from './varint.js'

/**
 * A day of one series' raw results packed into one value (PostgreSQL compaction, see
 * docs/adr/0007-time-series-storage.md): a row costs ~28 bytes of tuple header and line pointer
 * plus ~40 of primary-key entry on PostgreSQL, so past days are stored as one row per series and
 * day. Per result: LEB128 of the time delta (ms), the code, the latency and the timings' length,
 * then the packed timings: ~14 bytes for a check with timing phases, ~6 without.
 */
export interface PackedResult {
  at: number
  code: number
  lat: number
  tm: Uint8Array | null
}

/** Rows of one series (any order, duplicates of `at` keep the first) → packed bytes. */
export function packDay(rows: readonly PackedResult[], dayStart: number): Uint8Array {
  const sorted = [...rows].sort((a, b) => a.at - b.at)
  const out = new VarintWriter()
  let prev = dayStart
  let last = Number.NaN
  for (const r of sorted) {
    if (r.at === last) continue
    last = r.at
    out.put(r.at - prev)
    prev = r.at
    out.put(r.code)
    out.put(r.lat)
    const tm = r.tm ?? new Uint8Array()
    out.put(tm.length)
    out.raw(tm)
  }
  return out.finish()
}

export function unpackDay(data: Uint8Array, dayStart: number): PackedResult[] {
  const out: PackedResult[] = []
  const r = new VarintReader(data)
  let at = dayStart
  while (!r.done) {
    at += r.get()
    const code = r.get()
    const lat = r.get()
    const len = r.get()
    out.push({ at, code, lat, tm: len === 0 ? null : data.subarray(r.p, r.p + len) })
    r.p += len
  }
  return out
}

/** Union by `at` (rows already packed win ties: they were stored first). */
export function mergeDay(packed: Uint8Array | null, rows: readonly PackedResult[], dayStart: number): Uint8Array {
  const existing = packed ? unpackDay(packed, dayStart) : []
  return packDay([...existing, ...rows], dayStart)
}
