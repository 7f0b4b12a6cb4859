import type { TimerHandle } from '@whatisup/shared'
import type { Deps } from '../core/deps.js'
import { buildCoarseRollups } from './coarse-rollups.js'
import { compactRawDays } from './compaction.js'
import { rebuildRollups } from './rebuild.js'
import { ensurePartitionsAhead, runRetention } from './retention.js'
import { enforceBudget } from './size-budget.js'

const FIRST_RUN_MS = 15_000
const RETENTION_EVERY_MS = 3_600_000
const BUDGET_EVERY_MS = 600_000

/**
 * Storage upkeep for one server: PostgreSQL partitions ahead, a pending rebuild after the
 * time-series migration, hourly retention and week / 4-week rollups of closed periods, the size
 * budget every 10 minutes. Jobs never overlap
 * and never throw. (With several replicas these need the lease of the scale-out work.)
 */
export function startStorageJobs(deps: Deps): { stop(): Promise<void> } {
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  const timers = new Map<string, TimerHandle>()
  const safely = async (name: string, fn: () => Promise<unknown>) => {
    try {
      const r = await fn()
      deps.log.debug({ job: name, result: r }, 'storage job done')
    } catch (err) {
      deps.log.error({ err, job: name }, 'storage job failed')
    }
  }
  const every = (name: string, ms: number, first: number, work: () => Promise<void>) => {
    const tick = () => {
      if (stopped) return
      running = running.then(work)
      void running.then(() => {
        if (!stopped) timers.set(name, deps.clock.setTimeout(tick, ms))
      })
    }
    timers.set(name, deps.clock.setTimeout(tick, first))
  }
  every('retention', RETENTION_EVERY_MS, FIRST_RUN_MS, async () => {
    await safely('partitions', () => ensurePartitionsAhead(deps))
    await safely('compaction', () => compactRawDays(deps))
    if ((await deps.repos.settings.get('ts.rebuild_pending')) === '1') {
      await safely('rebuild', async () => {
        await rebuildRollups(deps, { from: -Infinity })
        await deps.repos.settings.set('ts.rebuild_pending', '0')
      })
    }
    await safely('retention', () => runRetention(deps))
    await safely('coarse-rollups', () => buildCoarseRollups(deps))
  })
  every('budget', BUDGET_EVERY_MS, FIRST_RUN_MS * 2, () => safely('size-budget', () => enforceBudget(deps)))
  return {
    async stop() {
      stopped = true
      for (const t of timers.values()) deps.clock.clearTimeout(t)
      await running
    },
  }
}
