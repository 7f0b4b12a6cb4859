import type { ExpressionBuilder } from 'kysely'
import type { RequestContext } from '../core/context.js'
import type { DB } from './schema.js'

/** Tables whose rows belong to a user and optionally a team. */
export type OwnedTable = 'monitors' | 'alert_channels' | 'alert_rules' | 'monitor_groups'

/**
 * THE scoped-query helper: every list or lookup of an owned resource goes through it, so adding
 * teams, roles or scoped API keys changes this function and the policy, not every query.
 */
export function visibleTo<T extends OwnedTable = 'monitors'>(ctx: RequestContext) {
  return (eb: ExpressionBuilder<DB, T>) => {
    if (ctx.isSuperadmin) return eb.lit(true)
    const teamIds = ctx.teams.map((t) => t.teamId)
    const mine = eb(eb.ref('owner_id' as never), '=', ctx.userId as never)
    return teamIds.length === 0 ? mine : eb.or([mine, eb(eb.ref('team_id' as never), 'in', teamIds as never)])
  }
}

/** Tables whose rows belong to one user only (no team): tags. */
export type PersonalTable = 'tags'

/** Rows of a personal table this caller may see: their own, or every row for a superadmin. */
export function ownedBy<T extends PersonalTable>(ctx: RequestContext) {
  return (eb: ExpressionBuilder<DB, T>) =>
    ctx.isSuperadmin ? eb.lit(true) : eb(eb.ref('owner_id' as never), '=', ctx.userId as never)
}
