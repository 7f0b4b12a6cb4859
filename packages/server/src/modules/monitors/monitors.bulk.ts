import { type BulkActionInput, type BulkResultDto, MAX_TAGS_PER_MONITOR } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { reevaluateGroupParents } from '../composite/index.js'
import { can } from '../policy/policy.js'
import { announceGroups, announceTags, checkGroupFor, existingTags, storedTags } from './membership.js'
import { applyEnabled, removeMonitors } from './monitors.service.js'

/** Bulk requests per user per minute (each covers up to 200 monitors). */
export const BULK_LIMIT_PER_MINUTE = 20

type Bulk = {
  ids: string[]
  action: BulkActionInput['action']
  group_id?: string | null | undefined
  tags?: string[] | undefined
}

/**
 * One action over many monitors. Only monitors the caller may change (delete: may delete) are
 * touched; the others, and unknown ids, come back in `not_found`. The write is one statement or
 * one transaction, and each monitor then gets the side effects of the single-item operation
 * (same functions: `applyEnabled`, `removeMonitors`, MonitorUpdated for group and tag changes, and
 * GroupUpdated / TagUpdated for the groups and tags whose members changed).
 */
export async function bulkMonitors(deps: Deps, ctx: RequestContext, b: Bulk): Promise<BulkResultDto> {
  const wait = await deps.limiter.hit(`monitors-bulk:${ctx.userId}`, BULK_LIMIT_PER_MINUTE, 60_000)
  if (wait > 0) {
    throw new AppError('RATE_LIMITED', `at most ${BULK_LIMIT_PER_MINUTE} bulk actions a minute`, {
      retryAfterSeconds: wait,
    })
  }
  const action = b.action === 'delete' ? 'monitor:delete' : 'monitor:update'
  const rows = (await deps.repos.monitors.findManyVisible(ctx, b.ids)).filter((m) => can(ctx, action, m))
  const found = new Set(rows.map((r) => r.id))
  const notFound = b.ids.filter((id) => !found.has(id))
  const now = deps.clock.now()
  const updated = () => {
    for (const r of rows) deps.events.emit('MonitorUpdated', { monitorId: r.id, ownerId: r.owner_id })
  }
  const keys = storedTags(b.tags ?? [])
  const owners = [...new Set(rows.map((r) => r.owner_id))]
  switch (b.action) {
    case 'pause':
    case 'resume':
      await applyEnabled(deps, rows, b.action === 'resume')
      break
    case 'delete':
      await removeMonitors(deps, rows)
      break
    case 'set_group': {
      const groupId = b.group_id ?? null
      for (const r of rows) await checkGroupFor(deps, ctx, r, groupId)
      await deps.repos.monitors.setGroupMany(
        rows.map((r) => r.id),
        groupId,
        now,
      )
      updated()
      const left = rows.flatMap((r) => (r.group_id !== null && r.group_id !== groupId ? [r.group_id] : []))
      if (rows.some((r) => r.group_id !== groupId)) await announceGroups(deps, [groupId, ...left])
      await reevaluateGroupParents(deps, [...new Set(left)])
      break
    }
    case 'add_tags': {
      const existed = await Promise.all(owners.map((o) => existingTags(deps, o, keys)))
      const over = await deps.repos.groups.addTags(rows, keys, now, MAX_TAGS_PER_MONITOR)
      if (over.length > 0) {
        throw new AppError('VALIDATION_FAILED', `body.tags: more than ${MAX_TAGS_PER_MONITOR} tags on a monitor`, {
          issues: [{ path: 'body.tags', message: `would exceed ${MAX_TAGS_PER_MONITOR} tags on ${over.join(', ')}` }],
        })
      }
      updated()
      for (const [i, o] of owners.entries()) await announceTags(deps, o, keys, existed[i])
      break
    }
    case 'remove_tags':
      await deps.repos.groups.removeTags(
        rows.map((r) => r.id),
        keys,
      )
      updated()
      for (const o of owners) await announceTags(deps, o, keys)
      break
  }
  return { affected: rows.length, not_found: notFound }
}
