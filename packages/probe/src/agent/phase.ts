/**
 * FNV-1a, 32 bit: stable across processes, restarts and machines, so a monitor keeps its slot
 * after a probe restart and every probe checks it at the same instant (comparable results).
 */
export function hashId(id: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Offset of a monitor's runs inside its interval: 10 000 monitors at 60 s spread over the minute. */
export function phaseOf(id: string, intervalMs: number): number {
  return hashId(id) % intervalMs
}

/**
 * The first run time t ≥ `from` on the grid t ≡ phase (mod interval), in absolute epoch ms. Runs
 * are derived from this grid, never from when the previous run ended, so they cannot drift.
 *
 * @example
 * nextSlot(125_000, 60_000, 7_000) === 127_000
 */
export function nextSlot(from: number, intervalMs: number, phaseMs: number): number {
  const offset = (((phaseMs - from) % intervalMs) + intervalMs) % intervalMs
  return from + offset
}
