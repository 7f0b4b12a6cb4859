import type { Deps } from '../core/deps.js'
import { BUILD_DELAY_MIN } from '../storage/repositories/coarse.repository.js'
import { BUILT_TIERS, type BuiltTier, minuteOf, PERIOD_MINUTES, periodOf } from '../storage/timeseries/buckets.js'
import { pause } from './retention.js'

/** Series and monitors per build transaction: a few milliseconds of SQLite's single writer. */
const KEYS_PER_TX = 200

export interface CoarseReport {
  /** Periods built for the first time, per tier. */
  built: Partial<Record<BuiltTier, number>>
  /** Periods rebuilt after a late write. */
  rebuilt: number
  rows: number
}

/**
 * Builds the chart days, week and 4-week rollups of every period that closed at least an hour ago, then
 * rebuilds the periods that late writes flagged. Each period is claimed first (writes into it
 * from then on flag it), built in short transactions of a few series each, then published by
 * advancing `built_through`: reads never see a half-built period. A first run on an existing
 * store builds its whole history (chart days: as far back as hour rollups are kept). Idempotent;
 * safe to stop at any point.
 */
export async function buildCoarseRollups(deps: Deps): Promise<CoarseReport> {
  const coarse = deps.repos.coarse
  const storage = deps.repos.storage
  const report: CoarseReport = { built: {}, rebuilt: 0, rows: 0 }
  const closedAt = minuteOf(deps.clock.now()) - BUILD_DELAY_MIN
  const state = await coarse.state()
  let keys: { skeys: number[]; mkeys: number[] } | null = null
  const allKeys = async () => {
    keys ??= { skeys: await storage.keys('ts_rollup_1d'), mkeys: await storage.keys('ts_consensus_1d') }
    return keys
  }
  const build = async (tier: BuiltTier, bucket: number) => {
    const all = await allKeys()
    // Chart days are per monitor: they read every series of a monitor through its key.
    const skeys = tier === 'chart_1h' ? [] : all.skeys
    const mkeys = all.mkeys
    for (let i = 0; i < Math.max(skeys.length, mkeys.length); i += KEYS_PER_TX) {
      report.rows += await coarse.buildChunk(
        tier,
        bucket,
        skeys.slice(i, i + KEYS_PER_TX),
        mkeys.slice(i, i + KEYS_PER_TX),
      )
      await pause()
    }
  }

  for (const tier of BUILT_TIERS) {
    const size = PERIOD_MINUTES[tier]
    // The end of the last period that closed BUILD_DELAY_MIN ago.
    const through = periodOf(closedAt, tier)
    let from = state[tier]?.built
    if (from === undefined) {
      const oldest = await storage.oldestAll(tier === 'chart_1h' ? 'ts_rollup_1h' : 'ts_rollup_1d')
      from = oldest === null ? through : Math.min(through, periodOf(minuteOf(oldest), tier))
    }
    if (from >= through && state[tier] !== undefined) continue
    await coarse.claim(tier, through, from)
    for (let p = from; p < through; p += size) {
      await build(tier, p)
      await coarse.setBuilt(tier, p + size)
      report.built[tier] = (report.built[tier] ?? 0) + 1
    }
  }

  for (const d of await coarse.dirty()) {
    await build(d.tier, d.bucket)
    await coarse.clearDirty(d)
    report.rebuilt++
  }
  return report
}
