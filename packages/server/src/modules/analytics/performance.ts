import { round } from './stats.js'

/** Pure performance heuristics: z-score anomaly and the 6 h trend. */
export interface AnomalyInput {
  count: number
  /** Σ latency (ms). */
  sum: number
  /** Σ latency² (ms²). */
  sumSq: number
}

export const MIN_ANOMALY_SAMPLES = 10

/** Hours apart on the clock face (0–12), wrapping midnight: 23 h and 1 h are 2 apart. */
export const hourDistance = (a: number, b: number): number => Math.min(Math.abs(a - b), 24 - Math.abs(a - b))

/**
 * z = (current − mean) / population stddev; fewer than 10 samples → no verdict; stddev 0 → z 0.
 * Only slower than usual is an anomaly (z > threshold), as in the reference.
 */
export function anomaly(current: number | null, s: AnomalyInput, threshold: number) {
  const base = { current_ms: current, samples: s.count, threshold }
  if (current === null || s.count < MIN_ANOMALY_SAMPLES)
    return { ...base, mean_ms: null, stddev_ms: null, z_score: null, is_anomaly: false }
  const mean = s.sum / s.count
  const sd = Math.sqrt(Math.max(0, s.sumSq / s.count - mean * mean))
  const z = sd === 0 ? 0 : (current - mean) / sd
  return {
    ...base,
    mean_ms: round(mean, 2),
    stddev_ms: round(sd, 2),
    z_score: round(z, 3),
    is_anomaly: z > threshold,
  }
}

/** Significant when both windows have ≥ 3 samples and the change is at least 10 %. */
export function trend(cur: { n: number; mean: number | null }, prev: { n: number; mean: number | null }) {
  if (cur.mean === null || prev.mean === null || prev.mean === 0)
    return { change_percent: null, direction: null, significant: false }
  const change = ((cur.mean - prev.mean) / prev.mean) * 100
  const significant = cur.n >= 3 && prev.n >= 3 && Math.abs(change) >= 10
  const direction: 'up' | 'down' | 'flat' = Math.abs(change) < 10 ? 'flat' : change > 0 ? 'up' : 'down'
  return { change_percent: round(change, 1), direction, significant }
}
