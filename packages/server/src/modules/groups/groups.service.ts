import {
  type GroupCreateInput,
  type GroupUpdateInput,
  iso,
  type Monitor,
  type MonitorGroup,
  parseTag,
  type Tag,
  tagLabel,
} from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { GroupCounts, GroupRow, TagRow } from '../../storage/repositories/index.js'
import { evaluateComposite } from '../composite/index.js'
import { listMonitors } from '../monitors/index.js'
import { authorize } from '../policy/policy.js'

const nameTaken = (name: string) =>
  new AppError('CONFLICT', `a group named "${name}" already exists`, {
    reason: 'group_name_taken',
    issues: [{ path: 'body.name', message: 'a group with this name already exists' }],
  })

function toGroupOut(g: GroupRow, counts: GroupCounts | undefined): MonitorGroup {
  const c = counts ?? { up: 0, down: 0, degraded: 0, paused: 0, unknown: 0 }
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    monitor_count: c.up + c.down + c.degraded + c.paused + c.unknown,
    status_counts: c,
    created_at: iso(g.created_at),
    updated_at: iso(g.updated_at),
  }
}

async function loadGroup(deps: Deps, ctx: RequestContext, id: string): Promise<GroupRow> {
  const g = await deps.repos.groups.findGroupVisible(ctx, id)
  // Not visible and not existing look the same: no existence leak across tenants.
  if (!g) throw notFound('group')
  return g
}

const groupEvent = (g: GroupRow) => ({ groupId: g.id, ownerId: g.owner_id, teamId: g.team_id })
const tagEvent = (t: TagRow) => ({ tagId: t.id, ownerId: t.owner_id })

async function groupOut(deps: Deps, ctx: RequestContext, g: GroupRow): Promise<MonitorGroup> {
  return toGroupOut(g, (await deps.repos.groups.groupCounts(ctx, [g.id])).get(g.id))
}

/** Groups the caller can see, by name, with their visible monitors counted by state. */
export async function listGroups(deps: Deps, ctx: RequestContext): Promise<MonitorGroup[]> {
  const rows = await deps.repos.groups.listGroups(ctx)
  const counts = await deps.repos.groups.groupCounts(
    ctx,
    rows.map((g) => g.id),
  )
  return rows.map((g) => toGroupOut(g, counts.get(g.id)))
}

export async function getGroup(deps: Deps, ctx: RequestContext, id: string): Promise<MonitorGroup> {
  return groupOut(deps, ctx, await loadGroup(deps, ctx, id))
}

export async function createGroup(
  deps: Deps,
  ctx: RequestContext,
  b: Required<Pick<GroupCreateInput, 'name'>> & { description: string | null },
): Promise<MonitorGroup> {
  authorize(ctx, 'group:manage')
  const nameKey = b.name.toLowerCase()
  if (await deps.repos.groups.groupNameTaken(ctx.userId, nameKey, null)) throw nameTaken(b.name)
  const now = deps.clock.now()
  const row: GroupRow = {
    id: newId(now),
    owner_id: ctx.userId,
    team_id: null,
    name: b.name,
    name_key: nameKey,
    description: b.description || null,
    created_at: now,
    updated_at: now,
  }
  try {
    await deps.repos.groups.insertGroup(row)
  } catch (err) {
    // A concurrent create with the same name lost the race on the unique index.
    if (await deps.repos.groups.groupNameTaken(ctx.userId, nameKey, row.id)) throw nameTaken(b.name)
    throw err
  }
  deps.events.emit('GroupCreated', groupEvent(row))
  return groupOut(deps, ctx, row)
}

export async function updateGroup(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  b: GroupUpdateInput,
): Promise<MonitorGroup> {
  const g = await loadGroup(deps, ctx, id)
  authorize(ctx, 'group:manage', g)
  const name = b.name ?? g.name
  if (b.name !== undefined && (await deps.repos.groups.groupNameTaken(g.owner_id, name.toLowerCase(), id))) {
    throw nameTaken(name)
  }
  await deps.repos.groups.updateGroup(id, {
    name,
    name_key: name.toLowerCase(),
    description: b.description === undefined ? g.description : b.description || null,
    updated_at: deps.clock.now(),
  })
  deps.events.emit('GroupUpdated', groupEvent(g))
  return getGroup(deps, ctx, id)
}

/**
 * Deletes a group. Its monitors stay (ungrouped, and told so), composites holding it are
 * re-evaluated without it; its maintenance windows and alert rules are deleted with it.
 */
export async function deleteGroup(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const g = await loadGroup(deps, ctx, id)
  authorize(ctx, 'group:manage', g)
  const members = await deps.repos.groups.groupMemberIds([id])
  const owners = new Map(
    (await deps.repos.monitors.findManyByIds(members.map((m) => m.id))).map((m) => [m.id, m.owner_id]),
  )
  const composites = await deps.repos.groups.deleteGroup(id)
  deps.events.emit('GroupDeleted', groupEvent(g))
  for (const m of members)
    deps.events.emit('MonitorUpdated', { monitorId: m.id, ownerId: owners.get(m.id) ?? g.owner_id })
  for (const c of composites) await evaluateComposite(deps, c)
}

/** The group's visible monitors, by name (total in X-Total-Count). */
export async function listGroupMonitors(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  q: { limit: number; offset: number },
): Promise<{ items: Monitor[]; total: number }> {
  await loadGroup(deps, ctx, id)
  return listMonitors(deps, ctx, { ...q, group_id: id })
}

// ── Tags ─────────────────────────────────────────────────────────────────────────────────────

function toTagOut(t: TagRow, monitorCount: number): Tag {
  const value = t.value === '' ? null : t.value
  return {
    id: t.id,
    key: t.key,
    value,
    label: tagLabel({ key: t.key, value }),
    color: t.color,
    monitor_count: monitorCount,
  }
}

function splitLabel(label: string): { key: string; value: string } {
  const t = parseTag(label)
  if (!t)
    throw new AppError('VALIDATION_FAILED', 'body.label: not a tag', {
      issues: [{ path: 'body.label', message: 'not a tag' }],
    })
  return { key: t.key, value: t.value ?? '' }
}

async function tagOut(deps: Deps, ctx: RequestContext, id: string): Promise<Tag> {
  const t = (await deps.repos.groups.listTags(ctx)).find((x) => x.id === id)
  if (!t) throw notFound('tag')
  return toTagOut(t, t.monitor_count)
}

/** The caller's tags (a superadmin sees everyone's), with how many visible monitors carry each. */
export async function listTags(deps: Deps, ctx: RequestContext): Promise<Tag[]> {
  return (await deps.repos.groups.listTags(ctx)).map((t) => toTagOut(t, t.monitor_count))
}

/** Idempotent: answers the caller's existing tag with this label (unchanged) or the new one. */
export async function createTag(
  deps: Deps,
  ctx: RequestContext,
  b: { label: string; color: string | null },
): Promise<Tag> {
  const now = deps.clock.now()
  const id = newId(now)
  const row = await deps.repos.groups.ensureTag({
    id,
    owner_id: ctx.userId,
    ...splitLabel(b.label),
    color: b.color,
    created_at: now,
  })
  if (row.id === id) deps.events.emit('TagCreated', tagEvent(row))
  return tagOut(deps, ctx, row.id)
}

/**
 * Renames or recolours a tag: its owner or a superadmin only; a label the owner already has is a
 * conflict. The owner's tag-selector alert rules, maintenance windows and silences follow a rename.
 */
export async function updateTag(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  b: { label?: string | undefined; color?: string | null | undefined },
): Promise<Tag> {
  const t = await deps.repos.groups.findTagVisible(ctx, id)
  if (!t) throw notFound('tag')
  authorize(ctx, 'tag:manage', { owner_id: t.owner_id, team_id: null })
  const next = b.label === undefined ? { key: t.key, value: t.value } : splitLabel(b.label)
  const other = await deps.repos.groups.findTag(t.owner_id, next)
  if (other && other.id !== id) {
    throw new AppError('CONFLICT', `a tag "${b.label}" already exists`, {
      reason: 'tag_exists',
      issues: [{ path: 'body.label', message: 'a tag with this label already exists' }],
    })
  }
  const label = (x: { key: string; value: string }) => tagLabel({ key: x.key, value: x.value === '' ? null : x.value })
  await deps.repos.groups.updateTag(
    id,
    { ...next, ...(b.color !== undefined ? { color: b.color } : {}) },
    { ownerId: t.owner_id, from: label(t), to: label(next) },
  )
  deps.events.emit('TagUpdated', tagEvent(t))
  if (next.key !== t.key || next.value !== t.value) await announceTagged(deps, id)
  return tagOut(deps, ctx, id)
}

export async function deleteTag(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const t = await deps.repos.groups.findTagVisible(ctx, id)
  if (!t) throw notFound('tag')
  authorize(ctx, 'tag:manage', { owner_id: t.owner_id, team_id: null })
  const tagged = await deps.repos.groups.monitorsWithTag(id)
  await deps.repos.groups.deleteTag(id)
  deps.events.emit('TagDeleted', tagEvent(t))
  for (const m of tagged) deps.events.emit('MonitorUpdated', { monitorId: m.id, ownerId: m.owner_id })
}

/** Monitors carrying a renamed tag changed labels: browsers and alert rules hear of it. */
async function announceTagged(deps: Deps, tagId: string): Promise<void> {
  for (const m of await deps.repos.groups.monitorsWithTag(tagId)) {
    deps.events.emit('MonitorUpdated', { monitorId: m.id, ownerId: m.owner_id })
  }
}
