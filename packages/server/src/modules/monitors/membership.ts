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
