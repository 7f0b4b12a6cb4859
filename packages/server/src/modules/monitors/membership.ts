import { parseTag } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, invalid } from '../../core/errors.js'
import type { GroupRow, TagKey } from '../../storage/repositories/index.js'
import { groupCycle } from '../composite/index.js'

/** Labels (already validated by TagString) as stored: a bare key has value ''. */
export function storedTags(labels: readonly string[]): TagKey[] {
  return labels.map((label) => {
    const t = parseTag(label.trim())
    if (!t) throw new AppError('VALIDATION_FAILED', `not a tag: ${label}`)
    return { key: t.key, value: t.value ?? '' }
  })
}

const badGroup = (message: string) => invalid('body.group_id', message)

/**
 * A group a monitor may be filed in: one the caller can see, of the monitor's own owner (or team),
 * so a group and its monitors always share a tenant. A composite may not join a group that one of
 * its own members (through groups) contains: that would be a cycle.
 */
export async function checkGroupFor(
  deps: Deps,
  ctx: RequestContext,
  m: { id: string; owner_id: string; team_id: string | null; check_type: string },
  groupId: string | null,
): Promise<GroupRow | null> {
  if (groupId === null) return null
  const g = await deps.repos.groups.findGroupVisible(ctx, groupId)
  if (!g) throw badGroup('unknown group')
  const sameTenant = g.owner_id === m.owner_id || (g.team_id !== null && g.team_id === m.team_id)
  if (!sameTenant) throw badGroup('the group belongs to another owner than the monitor')
  if (m.check_type === 'composite') {
    const loop = await groupCycle(deps, m.id, groupId)
    if (loop) throw badGroup(`${loop} contains this group and is contained by this composite: that would be a cycle`)
  }
  return g
}

const keyOf = (t: TagKey) => `${t.key}\u0000${t.value}`

/** Tags in one list and not the other: those whose monitor count a retagging changed. */
export function tagDiff(before: readonly TagKey[], after: readonly TagKey[]): TagKey[] {
  const was = new Set(before.map(keyOf))
  const is = new Set(after.map(keyOf))
  return [...before.filter((t) => !is.has(keyOf(t))), ...after.filter((t) => !was.has(keyOf(t)))]
}

/** Groups that gained or lost monitors: browsers showing them or their counts refresh. */
export async function announceGroups(deps: Deps, ids: Iterable<string | null>): Promise<void> {
  const unique = [...new Set(ids)].filter((id): id is string => id !== null)
  for (const g of await deps.repos.groups.findGroups(unique)) {
    deps.events.emit('GroupUpdated', { groupId: g.id, ownerId: g.owner_id, teamId: g.team_id })
  }
}

const uniqueTags = (tags: readonly TagKey[]) => [...new Map(tags.map((t) => [keyOf(t), t])).values()]

/** Which of these tags the owner has, read before a write that creates the missing ones. */
export async function existingTags(deps: Deps, ownerId: string, tags: readonly TagKey[]): Promise<Set<string>> {
  const found = new Set<string>()
  for (const t of uniqueTags(tags)) if (await deps.repos.groups.findTag(ownerId, t)) found.add(keyOf(t))
  return found
}

/**
 * Tags of `ownerId` put on or taken off monitors: TagUpdated, or TagCreated for one that was not in
 * `existed` (the {@link existingTags} read before a write that may create tags).
 */
export async function announceTags(
  deps: Deps,
  ownerId: string,
  tags: readonly TagKey[],
  existed?: ReadonlySet<string>,
): Promise<void> {
  for (const key of uniqueTags(tags)) {
    const t = await deps.repos.groups.findTag(ownerId, key)
    const created = existed !== undefined && !existed.has(keyOf(key))
    if (t) deps.events.emit(created ? 'TagCreated' : 'TagUpdated', { tagId: t.id, ownerId })
  }
}
