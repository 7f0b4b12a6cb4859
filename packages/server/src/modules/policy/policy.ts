import type { RequestContext } from '../../core/context.js'
import { AppError } from '../../core/errors.js'

/** Every action the API can perform on something. New features add actions here, not checks in routes. */
export type Action =
  | 'monitor:create'
  | 'monitor:read'
  | 'monitor:update'
  | 'monitor:delete'
  | 'probe:read'
  | 'probe:register'
  | 'probe:manage'
  | 'alert:read'
  | 'alert:manage'
  | 'alert:private_targets'
  | 'alert:probe_rules'
  | 'alert_template:manage'
  | 'instance:read'
  | 'instance:manage'
  | 'group:read'
  | 'group:manage'
  | 'tag:manage'
  | 'push:manage'

export interface OwnedResource {
  owner_id: string
  team_id: string | null
}

const ROLE_LEVEL = { viewer: 0, editor: 1, admin: 2, owner: 3 } as const
const REQUIRED_ROLE: Record<'monitor:read' | 'monitor:update' | 'monitor:delete', keyof typeof ROLE_LEVEL> = {
  'monitor:read': 'viewer',
  'monitor:update': 'editor',
  'monitor:delete': 'admin',
}

/**
 * The one place that answers "may this caller do this?". Services call it; routes never decide.
 *
 * @example can(ctx, 'monitor:update', monitor) // owner, superadmin, or team editor+
 */
export function can(ctx: RequestContext, action: Action, resource?: OwnedResource): boolean {
  if (ctx.isSuperadmin) return true
  switch (action) {
    case 'probe:register':
    case 'probe:manage':
    case 'probe:read':
    // Instance-wide settings (map tiles, geocoding) are the operator's.
    case 'instance:read':
    case 'instance:manage':
      return false
    case 'monitor:create':
      return ctx.canCreateMonitors
    // Reaching private addresses, rules about the probe fleet and shared templates are superadmin's.
    case 'alert:private_targets':
    case 'alert:probe_rules':
    case 'alert_template:manage':
      return false
    case 'alert:read':
    case 'alert:manage': {
      if (!resource) return true
      if (resource.owner_id === ctx.userId) return true
      const membership = ctx.teams.find((t) => t.teamId === resource.team_id)
      const needed = action === 'alert:read' ? 'viewer' : 'editor'
      return membership !== undefined && ROLE_LEVEL[membership.role] >= ROLE_LEVEL[needed]
    }
    // A group is read like a monitor, and changed by whoever may change its monitors.
    case 'group:read':
    case 'group:manage': {
      if (!resource) return true
      if (resource.owner_id === ctx.userId) return true
      const membership = ctx.teams.find((t) => t.teamId === resource.team_id)
      const needed = action === 'group:read' ? 'viewer' : 'editor'
      return membership !== undefined && ROLE_LEVEL[membership.role] >= ROLE_LEVEL[needed]
    }
    // Browser push subscriptions are personal: every user manages their own, nobody else's.
    case 'push:manage':
      return resource === undefined || resource.owner_id === ctx.userId
    // Tags are personal: only their owner renames, recolours or deletes them.
    case 'tag:manage':
      return resource !== undefined && resource.owner_id === ctx.userId
    case 'monitor:read':
    case 'monitor:update':
    case 'monitor:delete': {
      if (!resource) return false
      if (resource.owner_id === ctx.userId) return true
      const membership = ctx.teams.find((t) => t.teamId === resource.team_id)
      return membership !== undefined && ROLE_LEVEL[membership.role] >= ROLE_LEVEL[REQUIRED_ROLE[action]]
    }
  }
}

export function authorize(ctx: RequestContext, action: Action, resource?: OwnedResource): void {
  if (!can(ctx, action, resource)) throw new AppError('FORBIDDEN', `not allowed: ${action}`)
}
