import { randomBytes } from 'node:crypto'
import type { Deps } from '../../core/deps.js'
import type { HeartbeatRow, MonitorRow, RunRow } from '../../storage/repositories/index.js'
import { evaluateServerMonitor } from '../incidents/index.js'
import { activeWindow, type MaintenanceSchedule } from '../maintenance/index.js'
import { type HeartbeatPhase, nextDeadline, passDeadlines, type RunningRun } from './deadline.js'
import { type HeartbeatSchedule, scheduleOf } from './schedule.js'
import { DeadlineTimers } from './timers.js'

const timersByDeps = new WeakMap<Deps, DeadlineTimers>()

/** The deadline timers of this server (one structure for every heartbeat monitor). */
export function heartbeatTimers(deps: Deps): DeadlineTimers {
  let timers = timersByDeps.get(deps)
  if (!timers) {
    timers = new DeadlineTimers(deps.clock, (id) =>
      checkDeadlines(deps, id).catch((err: unknown) => deps.log.error({ err, monitorId: id }, 'heartbeat deadline')),
    )
    timersByDeps.set(deps, timers)
  }
  return timers
}

/**
 * Arms the deadlines stored by earlier runs (a restart resumes them; an overdue one fires at once
 * and is dated at its deadline). With several replicas this runs under a lease.
 */
export async function startHeartbeats(deps: Deps): Promise<() => void> {
  const timers = heartbeatTimers(deps)
  for (const r of await deps.repos.heartbeats.listDue()) timers.set(r.monitor_id, r.due_at)
  timers.start()
  return () => timers.stop()
}

export const heartbeatLock = (id: string) => `heartbeat:${id}`

export const scheduleOfMonitor = (m: MonitorRow): HeartbeatSchedule =>
  scheduleOf(JSON.parse(m.config) as Record<string, unknown>)

export const toRunning = (r: RunRow): RunningRun => ({
  id: r.id,
  rid: r.rid,
  startedAt: r.started_at,
  deadlineAt: r.deadline_at,
})

/** The maintenance window (latest-ending one) covering an instant, for this monitor. */
async function windowLookup(deps: Deps, m: MonitorRow): Promise<(t: number) => { end: number } | null> {
  const schedules = (await deps.repos.maintenance.forMonitor(m.id, m.owner_id)).map(
    (w) => JSON.parse(w.schedule) as MaintenanceSchedule,
  )
  return (t) => {
    let end: number | null = null
    for (const s of schedules) {
      const w = activeWindow(s, t)
      if (w && (end === null || w.end > end)) end = w.end
    }
    return end === null ? null : { end }
  }
}

/** Recomputes and arms the next deadline after the heartbeat's state changed. Call under its lock. */
export async function rearm(deps: Deps, m: MonitorRow, hb: Pick<HeartbeatRow, 'state' | 'anchor_at'>): Promise<void> {
  const runs = (await deps.repos.heartbeats.unfinishedRuns(m.id)).filter((r) => r.outcome === 'running')
  const d =
    m.enabled === 1
      ? nextDeadline(
          scheduleOfMonitor(m),
          { phase: hb.state as HeartbeatPhase, anchorAt: hb.anchor_at },
          runs.map(toRunning),
        )
      : null
  await deps.repos.heartbeats.update(m.id, { due_at: d?.at ?? null })
  heartbeatTimers(deps).set(m.id, d?.at ?? null)
}

/** A deadline fired: maintenance moves it, anything else is an outage dated at the deadline. */
export async function checkDeadlines(deps: Deps, id: string): Promise<void> {
  await deps.monitorLocks.run(heartbeatLock(id), async () => {
    const m = (await deps.repos.monitors.findManyByIds([id]))[0]
    const hb = await deps.repos.heartbeats.find(id)
    if (!m || !hb || m.enabled !== 1 || m.check_type !== 'heartbeat') return
    const runs = (await deps.repos.heartbeats.unfinishedRuns(id)).filter((r) => r.outcome === 'running')
    const r = passDeadlines(
      scheduleOfMonitor(m),
      { phase: hb.state as HeartbeatPhase, anchorAt: hb.anchor_at },
      runs.map(toRunning),
      deps.clock.now(),
      await windowLookup(deps, m),
    )
    for (const mv of r.moved) await deps.repos.heartbeats.updateRun(mv.id, { deadline_at: mv.deadlineAt })
    if (r.timedOut) await deps.repos.heartbeats.updateRun(r.timedOut.id, { outcome: 'timeout' })
    await deps.repos.heartbeats.update(id, {
      anchor_at: r.anchorAt,
      due_at: r.due,
      ...(r.down ? { state: 'down', cause: r.down.cause } : {}),
    })
    heartbeatTimers(deps).set(id, r.due)
    if (r.down) await evaluateServerMonitor(deps, m, { status: 'down', at: r.down.at, cause: r.down.cause })
  })
}

/** 192 random bits, base64url: the ping URL is the job's only credential. */
const newSlug = () => randomBytes(24).toString('base64url')

/**
 * Keeps the heartbeat row in step with its monitor after a create or update: a slug for a new
 * heartbeat, a fresh start ("waiting for the first ping", no timers) when it is paused or resumed,
 * re-armed timers when its schedule changed, and nothing left once it is no longer a heartbeat.
 */
export async function syncHeartbeat(deps: Deps, m: MonitorRow, before: MonitorRow | null): Promise<void> {
  await deps.monitorLocks.run(heartbeatLock(m.id), async () => {
    if (m.check_type !== 'heartbeat') {
      if (before?.check_type === 'heartbeat') {
        await deps.repos.heartbeats.remove(m.id)
        heartbeatTimers(deps).set(m.id, null)
      }
      return
    }
    const existing = await deps.repos.heartbeats.find(m.id)
    const fresh = { state: 'new', cause: null, anchor_at: null, due_at: null } as const
    if (!existing) {
      await deps.repos.heartbeats.insert({
        monitor_id: m.id,
        slug: newSlug(),
        ...fresh,
        last_ping_at: null,
        created_at: deps.clock.now(),
      })
    } else if (before && (before.enabled !== m.enabled || before.check_type !== 'heartbeat')) {
      await deps.repos.heartbeats.resetRuns(m.id)
      await deps.repos.heartbeats.update(m.id, fresh)
    }
    const hb = (await deps.repos.heartbeats.find(m.id)) as HeartbeatRow
    await rearm(deps, m, hb)
  })
}
