import type { ResultDto, Timings } from '@whatisup/shared'

export const PHASES = ['dns', 'connect', 'tls', 'ttfb', 'transfer'] as const
export type Phase = (typeof PHASES)[number]
const PHASE_KEY: Record<Phase, keyof Timings> = {
  dns: 'dns_ms',
  connect: 'connect_ms',
  tls: 'tls_ms',
  ttfb: 'ttfb_ms',
  transfer: 'transfer_ms',
}

export interface ChartSeries {
  /** Check times in epoch seconds, oldest first (uPlot's x axis). */
  x: number[]
  latency: (number | null)[]
  /** Raw per-phase milliseconds, for the legend. */
  phases: Record<Phase, (number | null)[]>
  /** Cumulative phases (dns, dns+connect, …) so each band sits on the previous one. */
  stacked: (number | null)[][]
}

/** Turns API results (newest first) into aligned, oldest-first series for the chart. */
export function buildChartSeries(results: readonly ResultDto[]): ChartSeries {
  const ordered = [...results].sort((a, b) => Date.parse(a.checked_at) - Date.parse(b.checked_at))
  const phases = Object.fromEntries(PHASES.map((p) => [p, [] as (number | null)[]])) as Record<Phase, (number | null)[]>
  const stacked: (number | null)[][] = PHASES.map(() => [])
  for (const r of ordered) {
    let sum = 0
    PHASES.forEach((phase, k) => {
      const value = r.timings?.[PHASE_KEY[phase]]
      phases[phase].push(value ?? null)
      // A result without timings (the check failed early) leaves a gap rather than a zero.
      if (!r.timings) stacked[k]?.push(null)
      else {
        sum += value ?? 0
        stacked[k]?.push(sum)
      }
    })
  }
  return {
    x: ordered.map((r) => Date.parse(r.checked_at) / 1000),
    latency: ordered.map((r) => r.response_time_ms),
    phases,
    stacked,
  }
}
