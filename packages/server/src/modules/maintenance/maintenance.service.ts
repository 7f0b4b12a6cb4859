import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, invalid, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { MaintenanceRow, SilenceRow } from '../../storage/repositories/index.js'
import { releaseSuppressed } from '../incidents/index.js'
import { authorize } from '../policy/policy.js'
import { activeWindow, type MaintenanceSchedule, nextWindow, scheduleError } from './schedule.js'

type ScheduleInput =
  | { kind: 'once'; starts_at: string; ends_at: string }
  | { kind: 'weekly'; days: number[]; start: string; end: string; timezone: string }
  | { kind: 'cron'; cron: string; duration_minutes: number; timezone: string }

function toSchedule(s: ScheduleInput): MaintenanceSchedule {
  const schedule: MaintenanceSchedule =
    s.kind === 'once' ? { kind: 'once', starts_at: Date.parse(s.starts_at), ends_at: Date.parse(s.ends_at) } : s
  const err = scheduleError(schedule)
  if (err) throw invalid('body.schedule', err)
  return schedule
}

/** A monitor id given by a user must be one they may change. */
async function checkMonitor(deps: Deps, ctx: RequestContext, id: string | null): Promise<void> {
  if (id === null) return
  const m = await deps.repos.monitors.findVisible(ctx, id)
  if (!m) throw invalid('body.monitor_id', 'unknown monitor')
  authorize(ctx, 'monitor:update', m)
}

/** A group given as a window's target must be one the caller may change. */
async function checkGroup(deps: Deps, ctx: RequestContext, id: string | null): Promise<void> {
  if (id === null) return
  const g = await deps.repos.groups.findGroupVisible(ctx, id)
  if (!g) throw invalid('body.group_id', 'unknown group')
  authorize(ctx, 'group:manage', g)
}

/** A stored tag selector (JSON text) as the API shows it. */
function tagsOut(tags: string | null): string[] | null {
  return tags === null ? null : (JSON.parse(tags) as string[])
}

/** A tag selector as stored: JSON text, duplicates folded; null when the target is not tags. */
function tagsIn(tags: readonly string[] | null | undefined): string | null {
  return tags ? JSON.stringify([...new Set(tags)]) : null
}

/**
 * At most one target: the body schema checks it, and so does the service, so that every caller
 * gets the same stable error naming the field.
 */
function checkOneTarget(b: { monitor_id: string | null; group_id?: string | null; tags?: readonly string[] | null }) {
  const targets = [b.monitor_id, b.group_id ?? null, b.tags ?? null].filter((t) => t !== null).length
  if (targets > 1) throw invalid('body.tags', 'target a monitor, a group or tags, not several')
}

function toOut(w: MaintenanceRow, now: number) {
  const s = JSON.parse(w.schedule) as MaintenanceSchedule
  const schedule = s.kind === 'once' ? { kind: 'once', starts_at: iso(s.starts_at), ends_at: iso(s.ends_at) } : s
  const next = nextWindow(s, now)
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    monitor_id: w.monitor_id,
    group_id: w.group_id,
    tags: tagsOut(w.tags),
    schedule: schedule as Record<string, unknown>,
    active: activeWindow(s, now) !== null,
    next_start: next ? iso(next.start) : null,
    created_at: iso(w.created_at),
  }
}

async function ownWindow(deps: Deps, ctx: RequestContext, id: string): Promise<MaintenanceRow> {
  const w = await deps.repos.maintenance.findById(id)
  if (!w || (!ctx.isSuperadmin && w.owner_id !== ctx.userId)) throw notFound('maintenance window')
  return w
}

export async function listMaintenance(deps: Deps, ctx: RequestContext) {
  const now = deps.clock.now()
  return (await deps.repos.maintenance.list(ctx)).map((w) => toOut(w, now))
}

export async function createMaintenance(
  deps: Deps,
  ctx: RequestContext,
  b: {
    name: string
    description: string | null
    monitor_id: string | null
    group_id: string | null
    tags: string[] | null
    schedule: ScheduleInput
  },
) {
  checkOneTarget(b)
  await checkMonitor(deps, ctx, b.monitor_id)
  await checkGroup(deps, ctx, b.group_id)
  const now = deps.clock.now()
  const row: MaintenanceRow = {
    id: newId(now),
    owner_id: ctx.userId,
    team_id: null,
    name: b.name,
    description: b.description,
    monitor_id: b.monitor_id,
    group_id: b.group_id,
    tags: tagsIn(b.tags),
    schedule: JSON.stringify(toSchedule(b.schedule)),
    created_at: now,
    updated_at: now,
  }
  await deps.repos.maintenance.insert(row)
  return toOut(row, now)
}

export async function updateMaintenance(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  b: {
    name: string
    description: string | null
    monitor_id: string | null
    group_id: string | null
    tags: string[] | null
    schedule: ScheduleInput
  },
) {
  await ownWindow(deps, ctx, id)
  checkOneTarget(b)
  await checkMonitor(deps, ctx, b.monitor_id)
  await checkGroup(deps, ctx, b.group_id)
  const now = deps.clock.now()
  await deps.repos.maintenance.update(id, {
    name: b.name,
    description: b.description,
    monitor_id: b.monitor_id,
    group_id: b.group_id,
    tags: tagsIn(b.tags),
    schedule: JSON.stringify(toSchedule(b.schedule)),
    updated_at: now,
  })
  // Ending or moving a window may un-suppress a still-failing monitor: it pages now, not later.
  await releaseSuppressed(deps)
  return toOut((await deps.repos.maintenance.findById(id)) as MaintenanceRow, now)
}

export async function deleteMaintenance(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await ownWindow(deps, ctx, id)
  await deps.repos.maintenance.delete(id)
  await releaseSuppressed(deps)
}

function silenceOut(s: SilenceRow, now: number) {
  return {
    id: s.id,
    name: s.name,
    reason: s.reason,
    monitor_id: s.monitor_id,
    tags: tagsOut(s.tags),
    starts_at: iso(s.starts_at),
    ends_at: iso(s.ends_at),
    active: s.starts_at <= now && now < s.ends_at,
  }
}

export async function listSilences(deps: Deps, ctx: RequestContext) {
  const now = deps.clock.now()
  return (await deps.repos.maintenance.listSilences(ctx)).map((s) => silenceOut(s, now))
}

export async function createSilence(
  deps: Deps,
  ctx: RequestContext,
  b: {
    name: string
    reason: string | null
    monitor_id: string | null
    tags: string[] | null
    starts_at?: string | undefined
    ends_at?: string | undefined
    duration_minutes?: number | undefined
  },
) {
  checkOneTarget(b)
  await checkMonitor(deps, ctx, b.monitor_id)
  const now = deps.clock.now()
  const starts = b.starts_at ? Date.parse(b.starts_at) : now
  const ends = b.ends_at ? Date.parse(b.ends_at) : starts + (b.duration_minutes ?? 0) * 60_000
  if (ends <= starts) throw invalid('body.ends_at', 'must be after starts_at')
  const row: SilenceRow = {
    id: newId(now),
    owner_id: ctx.userId,
    team_id: null,
    name: b.name,
    reason: b.reason,
    monitor_id: b.monitor_id,
    tags: tagsIn(b.tags),
    starts_at: starts,
    ends_at: ends,
    created_at: now,
  }
  await deps.repos.maintenance.insertSilence(row)
  return silenceOut(row, now)
}

export async function deleteSilence(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const s = await deps.repos.maintenance.findSilence(id)
  if (!s || (!ctx.isSuperadmin && s.owner_id !== ctx.userId)) throw notFound('silence')
  await deps.repos.maintenance.deleteSilence(id)
}

/** Ends a silence now (the "unsilence" button). */
export async function endSilence(deps: Deps, ctx: RequestContext, id: string) {
  const s = await deps.repos.maintenance.findSilence(id)
  if (!s || (!ctx.isSuperadmin && s.owner_id !== ctx.userId)) throw notFound('silence')
  const now = deps.clock.now()
  await deps.repos.maintenance.updateSilence(id, { ends_at: Math.min(s.ends_at, now) })
  return silenceOut({ ...s, ends_at: Math.min(s.ends_at, now) }, now)
}

export async function listDependencies(deps: Deps, ctx: RequestContext, childId: string) {
  if (!(await deps.repos.monitors.findVisible(ctx, childId))) throw notFound('monitor')
  const parents = (await deps.repos.maintenance.parents(childId)).map((p) => p.parent_id)
  const rows = await deps.repos.monitors.findManyByIds(parents)
  return rows.map((m) => ({ parent_id: m.id, parent_name: m.name }))
}

/** Adds parent → child; refuses self-edges and cycles (checked over the whole graph at save time). */
export async function addDependency(deps: Deps, ctx: RequestContext, childId: string, parentId: string) {
  const child = await deps.repos.monitors.findVisible(ctx, childId)
  if (!child) throw notFound('monitor')
  authorize(ctx, 'monitor:update', child)
  if (!(await deps.repos.monitors.findVisible(ctx, parentId))) {
    throw invalid('body.parent_id', 'unknown monitor')
  }
  if (parentId === childId) throw new AppError('VALIDATION_FAILED', 'body.parent_id: a monitor cannot depend on itself')
  const edges = await deps.repos.maintenance.allEdges()
  if (reaches(edges, childId, parentId)) {
    throw new AppError('CONFLICT', 'this dependency would create a cycle', {
      issues: [{ path: 'body.parent_id', message: 'creates a cycle' }],
    })
  }
  if (!(await deps.repos.maintenance.addEdge(parentId, childId, deps.clock.now())))
    throw new AppError('CONFLICT', 'dependency already exists')
  return listDependencies(deps, ctx, childId)
}

export async function removeDependency(
  deps: Deps,
  ctx: RequestContext,
  childId: string,
  parentId: string,
): Promise<void> {
  const child = await deps.repos.monitors.findVisible(ctx, childId)
  if (!child) throw notFound('monitor')
  authorize(ctx, 'monitor:update', child)
  if (!(await deps.repos.maintenance.removeEdge(parentId, childId))) throw notFound('dependency')
  await releaseSuppressed(deps)
}

/** Is `to` reachable from `from` following parent → child edges? */
export function reaches(edges: readonly { parent_id: string; child_id: string }[], from: string, to: string): boolean {
  const next = new Map<string, string[]>()
  for (const e of edges) next.set(e.parent_id, [...(next.get(e.parent_id) ?? []), e.child_id])
  const seen = new Set<string>()
  const stack = [from]
  while (stack.length) {
    const n = stack.pop()!
    if (n === to) return true
    if (seen.has(n)) continue
    seen.add(n)
    stack.push(...(next.get(n) ?? []))
  }
  return false
}
