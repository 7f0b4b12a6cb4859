// Pieces the benchmark scripts share.
export { prng } from '../packages/server/test/prng.js'

/** Nearest-rank percentile (`q` in 0…1) of unsorted samples; NaN without samples. */
export function pct(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? Number.NaN
}

/** Latencies around `base` ms, log-normal (σ 0.35) to 0.1 ms, drawn from `rand`. */
export function latencies(rand: () => number): (base: number) => number {
  return (base) => {
    const u = Math.max(1e-9, rand())
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
    return Math.round(base * Math.exp(0.35 * normal) * 10) / 10
  }
}
