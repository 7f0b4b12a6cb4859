import type { CheckStatus } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import type { ResultRow } from '../../storage/repositories/index.js'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../storage/timeseries/buckets.js'
import { latCount, type MinuteCounts, newCounts } from '../../storage/timeseries/rollup.js'
import { type AnomalyInput, type BurnWindow, burnRate, hourDistance } from '../analytics/index.js'
import type { Sample } from './decide.js'
import { foldResult, freshnessMs, type SamplerState, sampleAt } from './samples.js'

/**
 * What the history-aware sampled conditions compare a sample with: the monitor's latency over the
 * same hours of the previous 7 days (baseline, anomaly) and its SLO burn rates (slo_burn_*). The
 * live engine and the impact preview both compute them with these functions from the same data
 * (hourly rollups, stored results), so the preview replays what the live path would have decided.
 */

/** One hour of the monitor's latency, summed over its probes (up and degraded results). */
export interface HourSums {
  /** Start of the hour (epoch ms). */
  at: number
  count: number
  sum: number
  sumSq: number
}

/** Baseline window: the 7 days before the sample's hour (the running hour is incomplete, so it is left out). */
export const BASELINE_DAYS = 7
/** Anomaly compares with the same time of day ± this many hours, as the analytics anomaly does. */
export const ANOMALY_SPREAD_HOURS = 3
/** The burn windows the alert conditions read. */
export const ALERT_BURN_WINDOWS = ['5m', '30m', '1h', '6h'] as const satisfies readonly BurnWindow[]
export type AlertBurnWindow = (typeof ALERT_BURN_WINDOWS)[number]
const BURN_MINUTES: Record<AlertBurnWindow, number> = { '5m': 5, '30m': 30, '1h': 60, '6h': 360 }
const LONGEST_BURN_MS = 360 * MINUTE_MS

/**
 * The latency history a sample at `at` is judged against: the same UTC hour of day (baseline) and
 * the same ±3 h of day (anomaly) over the 7 days before the sample's hour.
 *
 * @example baselineAt(hours, Date.UTC(2026, 0, 8, 14, 20)) // { hour: sums of 14:00–15:00 on Jan 1–7, around: 11:00–18:00 }
 */
export function baselineAt(hours: readonly HourSums[], at: number): { hour: AnomalyInput; around: AnomalyInput } {
  const end = Math.floor(at / HOUR_MS) * HOUR_MS
  const start = end - BASELINE_DAYS * DAY_MS
  const hourOfDay = new Date(at).getUTCHours()
  const hour: AnomalyInput = { count: 0, sum: 0, sumSq: 0 }
  const around: AnomalyInput = { count: 0, sum: 0, sumSq: 0 }
  for (const h of hours) {
    if (h.at < start || h.at >= end) continue
    const d = hourDistance(new Date(h.at).getUTCHours(), hourOfDay)
    if (d > ANOMALY_SPREAD_HOURS) continue
    around.count += h.count
    around.sum += h.sum
    around.sumSq += h.sumSq
    if (d === 0) {
      hour.count += h.count
      hour.sum += h.sum
      hour.sumSq += h.sumSq
    }
  }
  return { hour, around }
}

/** Baselines for many samples: one computation per hour (they only change when the hour does). */
export function baselineMemo(hours: readonly HourSums[]): (at: number) => ReturnType<typeof baselineAt> {
  const memo = new Map<number, ReturnType<typeof baselineAt>>()
  return (at) => {
    const k = Math.floor(at / HOUR_MS)
    let b = memo.get(k)
    if (!b) {
      b = baselineAt(hours, at)
      memo.set(k, b)
    }
    return b
  }
}

/** Hourly latency sums of a monitor for [from, to) from the 1 h rollups (exact mean and variance). */
export async function loadHourSums(deps: Deps, monitorId: string, from: number, to: number): Promise<HourSums[]> {
  const mkey = await deps.repos.series.findMonitorKey(monitorId)
  if (mkey === undefined || mkey === null) return []
  const series = await deps.repos.series.seriesOf([mkey])
  const fromH = Math.floor(from / HOUR_MS) * HOUR_MS
  const rows = await deps.repos.rollups.sums(
    series.map((s) => s.skey),
    '1h',
    fromH / MINUTE_MS,
    (Math.ceil(to / HOUR_MS) * HOUR_MS) / MINUTE_MS,
    'bucket',
  )
  return rows.map((r) => ({ at: r.bucket * MINUTE_MS, count: latCount(r), sum: r.lat_sum / 10, sumSq: r.lat_sq }))
}

/**
 * The monitor's availability minute by minute as the sampler sees it: a minute is up when one
 * sample in it had a probe reaching the monitor (the consensus rule of the analytics module).
 */
export class MinuteLedger {
  private minutes = new Map<number, boolean>()

  record(at: number, status: CheckStatus | null): void {
    if (status === null) return
    const minute = Math.floor(at / MINUTE_MS)
    this.minutes.set(minute, (this.minutes.get(minute) ?? false) || status !== 'down')
  }

  /**
   * Burn rates over the whole minutes before the one `at` falls in (the running minute is still
   * filling up, live and in a replay alike), with the SLO math of the analytics module.
   */
  burnRates(at: number, targetPercent: number): Record<AlertBurnWindow, number> {
    const end = Math.floor(at / MINUTE_MS)
    const out = {} as Record<AlertBurnWindow, number>
    for (const w of ALERT_BURN_WINDOWS) {
      const c: MinuteCounts = newCounts()
      for (let m = end - BURN_MINUTES[w]; m < end; m++) {
        const up = this.minutes.get(m)
        if (up === undefined) continue
        if (up) c.up++
        else c.down++
      }
      out[w] = burnRate(c, targetPercent)
    }
    return out
  }
}

/**
 * Folds stored results (oldest first) into a ledger exactly as the sampler folds them, so that
 * the live path (the last 6 h) and the preview (30 days) count the same minutes.
 */
export function ledgerFrom(results: readonly ResultRow[], intervalSeconds: number): MinuteLedger {
  const state: SamplerState = { probes: {} }
  const fresh = freshnessMs(intervalSeconds)
  const ledger = new MinuteLedger()
  for (const r of results)
    if (foldResult(state, r)) ledger.record(r.checked_at, sampleAt(state, r.checked_at, fresh).status)
  return ledger
}

/** Everything the history-aware conditions need, for a batch of samples of one monitor. */
export interface SampleHistory {
  baseline: ((at: number) => ReturnType<typeof baselineAt>) | null
  burn: { target: number; ledger: MinuteLedger } | null
}

/** Adds what the history-aware conditions read to a sample (nothing when no rule needs it). */
export function withHistory(s: Sample, at: number, h: SampleHistory): Sample {
  const out: Sample = { ...s }
  if (h.baseline) out.baseline = h.baseline(at)
  if (h.burn) out.burn = { target: h.burn.target, rates: h.burn.ledger.burnRates(at, h.burn.target) }
  return out
}

/**
 * Loads the history for samples taken in [from, to]: hourly sums for the 7 days before, and the
 * SLO with the results of the 6 h before (only what `need` asks for).
 */
export async function loadSampleHistory(
  deps: Deps,
  monitor: { id: string; interval_seconds: number },
  from: number,
  to: number,
  need: { baseline: boolean; burn: boolean },
): Promise<SampleHistory> {
  const baseline = need.baseline
    ? baselineMemo(await loadHourSums(deps, monitor.id, from - BASELINE_DAYS * DAY_MS - HOUR_MS, to))
    : null
  let burn: SampleHistory['burn'] = null
  if (need.burn) {
    const slo = await deps.repos.analytics.getSlo(monitor.id)
    if (slo) {
      const since = from - LONGEST_BURN_MS - freshnessMs(monitor.interval_seconds)
      const rows = await deps.repos.results.listForMonitor(monitor.id, { limit: 1_000_000, offset: 0, since })
      burn = {
        target: slo.target,
        ledger: ledgerFrom(rows.filter((r) => r.checked_at <= to).reverse(), monitor.interval_seconds),
      }
    }
  }
  return { baseline, burn }
}
