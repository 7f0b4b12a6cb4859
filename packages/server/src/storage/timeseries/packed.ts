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

function put(out: number[], v: number): void {
  let c = Math.max(0, Math.floor(v))
  while (c >= 0x80) {
    out.push((c % 0x80) | 0x80)
    c = Math.floor(c / 0x80)
  }
  out.push(c)
}

/** Rows of one series (any order, duplicates of `at` keep the first) → packed bytes. */
export function packDay(rows: readonly PackedResult[], dayStart: number): Uint8Array {
  const sorted = [...rows].sort((a, b) => a.at - b.at)
  const out: number[] = []
  let prev = dayStart
  let last = Number.NaN
  for (const r of sorted) {
    if (r.at === last) continue
    last = r.at
    put(out, r.at - prev)
    prev = r.at
    put(out, r.code)
    put(out, r.lat)
    const tm = r.tm ?? new Uint8Array()
    put(out, tm.length)
    for (const b of tm) out.push(b)
  }
  return Uint8Array.from(out)
}

export function unpackDay(data: Uint8Array, dayStart: number): PackedResult[] {
  const out: PackedResult[] = []
  let p = 0
  const get = (): number => {
    let c = 0
    let mul = 1
    for (;;) {
      const b = data[p++] ?? 0
      c += (b & 0x7f) * mul
      if (b < 0x80) return c
      mul *= 0x80
    }
  }
  let at = dayStart
  while (p < data.length) {
    at += get()
    const code = get()
    const lat = get()
    const len = get()
    out.push({ at, code, lat, tm: len === 0 ? null : data.subarray(p, p + len) })
    p += len
  }
  return out
}

/** Union by `at` (rows already packed win ties: they were stored first). */
export function mergeDay(packed: Uint8Array | null, rows: readonly PackedResult[], dayStart: number): Uint8Array {
  const existing = packed ? unpackDay(packed, dayStart) : []
  return packDay([...existing, ...rows], dayStart)
}
