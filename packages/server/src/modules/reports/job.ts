import type { TimerHandle } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { runDueReports } from './reports.service.js'

/** How often due reports are looked for: a report goes out within this of its period's end. */
export const REPORT_TICK_MS = 10 * 60_000

interface Job {
  timer: TimerHandle | null
  running: Promise<unknown>
  stopped: boolean
}
const jobs = new WeakMap<Deps, Job>()

/** Starts the report job on the deps' clock (one per set of dependencies). */
export function startReportJob(deps: Deps): void {
  if (jobs.has(deps)) return
  const job: Job = { timer: null, running: Promise.resolve(), stopped: false }
  jobs.set(deps, job)
  const tick = () => {
    if (job.stopped) return
    job.running = runDueReports(deps)
      .catch((err: unknown) => deps.log.error({ err }, 'group reports failed'))
      .finally(() => {
        if (!job.stopped) job.timer = deps.clock.setTimeout(tick, REPORT_TICK_MS)
      })
  }
  job.timer = deps.clock.setTimeout(tick, REPORT_TICK_MS)
}

/** Resolves once the current run (if any) is done (tests await it after moving the clock). */
export async function reportJobIdle(deps: Deps): Promise<void> {
  await jobs.get(deps)?.running
}

export async function stopReportJob(deps: Deps): Promise<void> {
  const job = jobs.get(deps)
  if (!job) return
  job.stopped = true
  jobs.delete(deps)
  if (job.timer) deps.clock.clearTimeout(job.timer)
  await job.running
}
