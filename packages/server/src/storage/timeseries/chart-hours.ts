import type { RollupTable } from '../schema.js'
import { type MinuteCounts, newCounts } from './rollup.js'
import { VarintReader, VarintWriter } from './varint.js'

/**
 * One hour of a monitor's chart: its rollup sums over every probe, its consensus minutes per
 * network type and the bucket of its p95 latency. What a chart point is computed from, whether
 * read live from the hour tiers or from a stored chart day.
 */
export interface ChartHour extends Omit<RollupTable, 'skey' | 'lat_sq' | 'hist'> {
  /** Bucket minute (a multiple of 60). */
  bucket: number
  /** Histogram bucket of the hour's p95 (histogram.ts `percentileBucket`); null without latencies. */
  p95: number | null
  internal: MinuteCounts
  external: MinuteCounts
}

const FORMAT = 1
const COUNTS = ['up', 'degraded', 'down', 'maint'] as const

/**
 * A day of chart hours → one value (the `ts_chart_1h` row of a monitor and day): a format byte,
 * then per hour with data its offset in the day and its values as LEB128 (nullable ones + 1).
 * Every value is a non-negative integer (counts, and latency and phase sums in tenths of a
 * millisecond). A day of 24 hours is ~0.6–1 KB.
 */
export function encodeChartDay(hours: readonly ChartHour[], day: number): Uint8Array {
  const w = new VarintWriter()
  w.put(FORMAT)
  for (const h of [...hours].sort((a, b) => a.bucket - b.bucket)) {
    const offset = (h.bucket - day) / 60
    if (!(Number.isInteger(offset) && offset >= 0 && offset < 24)) throw new Error(`hour ${h.bucket} not in day ${day}`)
    w.put(offset)
    w.put(h.n)
    w.put(h.up)
    w.put(h.degraded)
    w.put(h.down)
    w.put(h.maint)
    w.put(Math.round(h.lat_sum))
    w.put(h.lat_min === null ? 0 : Math.round(h.lat_min) + 1)
    w.put(h.lat_max === null ? 0 : Math.round(h.lat_max) + 1)
    w.put(h.ph_n)
    w.put(Math.round(h.ph_dns))
    w.put(Math.round(h.ph_connect))
    w.put(Math.round(h.ph_tls))
    w.put(Math.round(h.ph_ttfb))
    w.put(Math.round(h.ph_transfer))
    w.put(h.p95 === null ? 0 : h.p95 + 1)
    for (const c of COUNTS) w.put(h.internal[c])
    for (const c of COUNTS) w.put(h.external[c])
  }
  return w.finish()
}

/** Appends the hours of a stored chart day that fall in [from, to) bucket minutes to `out`. */
export function decodeChartDay(data: Uint8Array, day: number, from: number, to: number, out: ChartHour[]): void {
  const r = new VarintReader(data)
  const format = r.get()
  if (format !== FORMAT) throw new Error(`chart day format ${format} unknown`)
  const nullable = () => {
    const v = r.get()
    return v === 0 ? null : v - 1
  }
  while (!r.done) {
    const bucket = day + r.get() * 60
    const h: ChartHour = {
      bucket,
      n: r.get(),
      up: r.get(),
      degraded: r.get(),
      down: r.get(),
      maint: r.get(),
      lat_sum: r.get(),
      lat_min: nullable(),
      lat_max: nullable(),
      ph_n: r.get(),
      ph_dns: r.get(),
      ph_connect: r.get(),
      ph_tls: r.get(),
      ph_ttfb: r.get(),
      ph_transfer: r.get(),
      p95: nullable(),
      internal: newCounts(),
      external: newCounts(),
    }
    for (const c of COUNTS) h.internal[c] = r.get()
    for (const c of COUNTS) h.external[c] = r.get()
    if (bucket >= from && bucket < to) out.push(h)
  }
}
