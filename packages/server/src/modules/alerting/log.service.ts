import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { notFound } from '../../core/errors.js'
import type { AlertDeliveryRow, DeliveryLogRow } from '../../storage/repositories/index.js'
import type { NotificationOutDto } from './alerting.schemas.js'

function toOut(r: AlertDeliveryRow & Partial<DeliveryLogRow>): NotificationOutDto {
  return {
    id: r.id,
    at: iso(r.created_at),
    rule: r.rule_id ? { id: r.rule_id, name: r.rule_name ?? null } : null,
    channel: r.channel_id ? { id: r.channel_id, name: r.channel_name ?? null, kind: r.channel_kind ?? null } : null,
    condition: r.condition,
    event: r.event as NotificationOutDto['event'],
    decision: r.decision as NotificationOutDto['decision'],
    reason: r.reason as NotificationOutDto['reason'],
    status: r.status as NotificationOutDto['status'],
    attempts: r.attempts,
    last_error: r.last_error,
    response: r.response,
    sent_at: iso(r.sent_at),
  }
}

/**
 * Every notification sent or not sent for an incident, and why. Visible with the incident; rows
 * of rules the caller does not own (another user's rule on a shared monitor) are left out.
 */
export async function incidentNotifications(deps: Deps, ctx: RequestContext, incidentId: string) {
  const incident = await deps.repos.incidents.findVisible(ctx, incidentId)
  if (!incident) throw notFound('incident')
  const owners = ctx.isSuperadmin ? null : [ctx.userId]
  return (await deps.repos.alertDeliveries.forIncident(incidentId, owners)).map(toOut)
}

export async function ruleNotifications(deps: Deps, ruleId: string) {
  return (await deps.repos.alertDeliveries.forRule(ruleId)).map((r) => toOut(r))
}
