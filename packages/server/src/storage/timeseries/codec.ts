import type { Timings } from '@whatisup/shared'

/**
 * Compact raw-result encoding (see docs/adr/0007-time-series-storage.md). One raw row is
 * (series key, checked_at ms, code, latency in tenths of ms, packed timings): ~40 bytes on SQLite.
 */

/** 0 up, 1 degraded, 2 down: the order also ranks how bad a result is. */
export const STATUS_CODE = { up: 0, degraded: 1, down: 2 } as const
export type StatusCode = 0 | 1 | 2
export const STATUS_NAMES = ['up', 'degraded', 'down'] as const

/** code = status | maintenance << 2 | http_status << 3 (fits a SQLite 2-byte integer). */
export function packCode(status: StatusCode, maintenance: boolean, httpStatus: number | null): number {
  return status | (maintenance ? 4 : 0) | ((httpStatus ?? 0) << 3)
}

export function unpackCode(code: number): { status: StatusCode; maintenance: boolean; httpStatus: number | null } {
  const http = code >> 3
  return { status: (code & 3) as StatusCode, maintenance: (code & 4) !== 0, httpStatus: http === 0 ? null : http }
}

export const toTenths = (ms: number): number => Math.max(0, Math.round(ms * 10))

export const TIMING_KEYS = ['dns_ms', 'connect_ms', 'tls_ms', 'ttfb_ms', 'transfer_ms'] as const

/**
 * Timings as a presence bitmask byte then each present phase in tenths of ms as LEB128: a typical
 * HTTPS check is 9–11 bytes instead of ~80 bytes of JSON.
 */
export function packTimings(t: Timings | null | undefined): Uint8Array | null {
  if (!t) return null
  const out: number[] = [0]
  TIMING_KEYS.forEach((k, bit) => {
    const v = t[k]
    if (v === undefined) return
    out[0]! |= 1 << bit
    let c = toTenths(v)
    while (c >= 0x80) {
      out.push((c % 0x80) | 0x80)
      c = Math.floor(c / 0x80)
    }
    out.push(c)
  })
  return out[0] === 0 ? null : Uint8Array.from(out)
}

export function unpackTimings(blob: Uint8Array | null | undefined): Timings | null {
  if (!blob || blob.length === 0) return null
  const mask = blob[0]!
  const t: Timings = {}
  let p = 1
  TIMING_KEYS.forEach((k, bit) => {
    if ((mask & (1 << bit)) === 0) return
    let c = 0
    let mul = 1
    for (;;) {
      const b = blob[p++] ?? 0
      c += (b & 0x7f) * mul
      if (b < 0x80) break
      mul *= 0x80
    }
    t[k] = c / 10
  })
  return t
}

/** Phases in tenths of ms in TIMING_KEYS order (absent = 0), for rollup sums. */
export function timingTenths(t: Timings | null | undefined): number[] | null {
  if (!t) return null
  return TIMING_KEYS.map((k) => (t[k] === undefined ? 0 : toTenths(t[k])))
}
