import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'
import type { AlertDeliveryRow } from './alert-state.repository.js'

export type DeliveryLogRow = AlertDeliveryRow & {
  rule_name: string | null
  channel_name: string | null
  channel_kind: string | null
}

/**
 * The outbox side of `alert_deliveries`: claims with a lease (so two workers or replicas never
 * send the same row at once, and a crashed worker's row is picked up again once its lease ends),
 * then records the outcome under the claim token.
 */
export class AlertDeliveriesRepository {
  constructor(private db: Kysely<DB>) {}

  /** Ids of rows that are due: pending and past their retry time, or claimed by a worker whose lease ran out. */
  async dueIds(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('alert_deliveries')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  }

  async nextDueAt(): Promise<number | null> {
    const r = await this.db
      .selectFrom('alert_deliveries')
      .select((eb) => [eb.fn.min<number>('next_attempt_at').as('p'), eb.fn.min<number>('lease_until').as('l')])
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirst()
    const p = r?.p === null || r?.p === undefined ? null : Number(r.p)
    const l = r?.l === null || r?.l === undefined ? null : Number(r.l)
    return p === null ? l : l === null ? p : Math.min(p, l)
  }

  /** An older row of the same channel and subject is still unsent: this one waits (order is kept). */
  async blockedByEarlier(id: string): Promise<boolean> {
    const row = await this.findById(id)
    if (!row?.channel_id) return false
    const earlier = await this.db
      .selectFrom('alert_deliveries')
      .select('id')
      .where('channel_id', '=', row.channel_id)
      .where('subject', '=', row.subject)
      .where('status', 'in', ['pending', 'sending'])
      .where((eb) =>
        eb.or([
          eb('created_at', '<', row.created_at),
          eb.and([eb('created_at', '=', row.created_at), eb('id', '<', row.id)]),
        ]),
      )
      .limit(1)
      .executeTakeFirst()
    return earlier !== undefined
  }

  /** Takes one due row for this worker; undefined if someone else took it first. */
  async claim(id: string, claim: string, now: number, leaseUntil: number): Promise<AlertDeliveryRow | undefined> {
    const r = await this.db
      .updateTable('alert_deliveries')
      .set((eb) => ({
        status: 'sending',
        claim,
        lease_until: leaseUntil,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)]),
        ]),
      )
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) return undefined
    return this.db.selectFrom('alert_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** Records the outcome, only if this worker still holds the claim. */
  async finish(
    id: string,
    claim: string,
    patch: {
      status: 'sent' | 'pending' | 'failed'
      now: number
      response?: string | null
      last_error?: string | null
      next_attempt_at?: number | null
    },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('alert_deliveries')
      .set({
        status: patch.status,
        claim: null,
        lease_until: null,
        updated_at: patch.now,
        ...(patch.status === 'sent' ? { sent_at: patch.now } : {}),
        ...(patch.response !== undefined ? { response: patch.response } : {}),
        ...(patch.last_error !== undefined ? { last_error: patch.last_error } : {}),
        ...(patch.next_attempt_at !== undefined ? { next_attempt_at: patch.next_attempt_at } : {}),
      })
      .where('id', '=', id)
      .where('claim', '=', claim)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  /** Every send and non-send for an incident, with rule and channel names, oldest first. */
  forIncident(incidentId: string, ownerIds: readonly string[] | null): Promise<DeliveryLogRow[]> {
    let q = this.db
      .selectFrom('alert_deliveries as d')
      .leftJoin('alert_rules as r', 'r.id', 'd.rule_id')
      .leftJoin('alert_channels as c', 'c.id', 'd.channel_id')
      .selectAll('d')
      .select(['r.name as rule_name', 'c.name as channel_name', 'c.kind as channel_kind'])
      .where('d.incident_id', '=', incidentId)
    if (ownerIds !== null) q = q.where('d.owner_id', 'in', [...ownerIds])
    return q.orderBy('d.created_at').orderBy('d.id').execute()
  }

  forRule(ruleId: string): Promise<AlertDeliveryRow[]> {
    return this.db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('rule_id', '=', ruleId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
  }

  findById(id: string): Promise<AlertDeliveryRow | undefined> {
    return this.db.selectFrom('alert_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async pruneBefore(before: number): Promise<void> {
    await this.db
      .deleteFrom('alert_deliveries')
      .where('created_at', '<', before)
      .where('status', 'in', ['sent', 'failed', 'skipped'])
      .execute()
  }
}
