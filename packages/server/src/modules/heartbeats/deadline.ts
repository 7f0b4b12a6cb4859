import { iso } from '@whatisup/shared'
import { type HeartbeatSchedule, nextExpected } from './schedule.js'

/**
 * A heartbeat's deadlines, pure. Two kinds: the schedule's (next expected ping + grace, counted from
 * the anchor) and each running run's (its start + grace: "started but never finished"). A deadline
 * that falls inside a maintenance window restarts from the window's end instead of paging when the
 * window closes.
 */

export type HeartbeatPhase = 'new' | 'up' | 'down'

export interface HeartbeatClock {
  phase: HeartbeatPhase
  /** Null while waiting for the first ping: no schedule deadline yet. */
  anchorAt: number | null
}

export interface RunningRun {
  id: string
  rid: string | null
  startedAt: number
  deadlineAt: number
}

export type Deadline =
  | { at: number; kind: 'schedule'; expectedAt: number }
  | { at: number; kind: 'run'; run: RunningRun }

/** The earliest deadline; none while down (nothing more to detect) or waiting with no run. */
export function nextDeadline(s: HeartbeatSchedule, c: HeartbeatClock, runs: readonly RunningRun[]): Deadline | null {
  if (c.phase === 'down') return null
  let best: Deadline | null = null
  const expectedAt = c.anchorAt === null ? null : nextExpected(s, c.anchorAt)
  if (expectedAt !== null) best = { at: expectedAt + s.grace_seconds * 1000, kind: 'schedule', expectedAt }
  for (const run of runs) if (!best || run.deadlineAt < best.at) best = { at: run.deadlineAt, kind: 'run', run }
  return best
}

export interface PassedDeadlines {
  anchorAt: number | null
  /** Runs whose deadline moved to a maintenance window's end + grace. */
  moved: { id: string; deadlineAt: number }[]
  /** The run that did not finish in time, when that is what went down. */
  timedOut: RunningRun | null
  down: { at: number; cause: string } | null
  /** The next deadline to arm (null when down or nothing to wait for). */
  due: number | null
}

/**
 * Walks the deadlines passed by `now`. One inside a maintenance window (`windowAt(t)` gives the
 * window containing `t`) restarts from the window's end; the first one outside any window is an
 * outage, dated at the deadline itself.
 *
 * @example
 * passDeadlines(s, { phase: 'up', anchorAt: ping }, [], ping + period + grace, () => null).down
 * // → { at: ping + period + grace, cause: 'no ping by … (grace 60 s)' }
 */
export function passDeadlines(
  s: HeartbeatSchedule,
  c: HeartbeatClock,
  runs: readonly RunningRun[],
  now: number,
  windowAt: (t: number) => { end: number } | null,
): PassedDeadlines {
  let anchorAt = c.anchorAt
  const live = runs.map((r) => ({ ...r }))
  const moved = new Map<string, number>()
  const out = (rest: Partial<PassedDeadlines>): PassedDeadlines => ({
    anchorAt,
    moved: [...moved].map(([id, deadlineAt]) => ({ id, deadlineAt })),
    timedOut: null,
    down: null,
    due: null,
    ...rest,
  })
  // Each step moves a deadline past a window's end, so this ends; the bound guards odd schedules.
  for (let step = 0; step < 1000; step++) {
    const d = nextDeadline(s, { phase: c.phase, anchorAt }, live)
    if (!d || d.at > now) return out({ due: d?.at ?? null })
    const w = windowAt(d.at)
    if (w && w.end > d.at) {
      if (d.kind === 'schedule') anchorAt = w.end
      else {
        d.run.deadlineAt = w.end + s.grace_seconds * 1000
        moved.set(d.run.id, d.run.deadlineAt)
      }
      continue
    }
    if (d.kind === 'run') {
      const rid = d.run.rid ? ` (run ${d.run.rid})` : ''
      return out({
        timedOut: d.run,
        down: { at: d.at, cause: `started at ${iso(d.run.startedAt)}${rid} but never finished` },
      })
    }
    return out({ down: { at: d.at, cause: `no ping by ${iso(d.expectedAt)} (grace ${s.grace_seconds} s)` } })
  }
  return out({ due: now + 60_000 })
}
