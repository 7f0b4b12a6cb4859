import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type AlertRuleStateRow = Selectable<DB['alert_rule_state']>
export type AlertDeliveryRow = Selectable<DB['alert_deliveries']>
export type AlertSignalRow = Selectable<DB['alert_signals']>
export type SilenceSpan = { monitor_id: string | null; starts_at: number; ends_at: number }

/** The decision state of rules, the result cursors, the signal journal, and the decision commit. */
export class AlertStateRepository {
  constructor(private db: Kysely<DB>) {}

  getRuleState(ruleId: string): Promise<AlertRuleStateRow | undefined> {
    return this.db.selectFrom('alert_rule_state').selectAll().where('rule_id', '=', ruleId).executeTakeFirst()
  }

  /** Rules whose next wake-up (min duration reached, re-notify, digest flush) is due. */
  dueRules(now: number): Promise<{ rule_id: string; wake_at: number | null }[]> {
    return this.db
      .selectFrom('alert_rule_state')
      .select(['rule_id', 'wake_at'])
      .where('wake_at', 'is not', null)
      .where('wake_at', '<=', now)
      .orderBy('wake_at')
      .execute()
  }

  async earliestWake(): Promise<number | null> {
    const r = await this.db
      .selectFrom('alert_rule_state')
      .select((eb) => eb.fn.min<number>('wake_at').as('at'))
      .where('wake_at', 'is not', null)
      .executeTakeFirst()
    return r?.at === null || r?.at === undefined ? null : Number(r.at)
  }

  /**
   * Advances a rule's state and records its decisions in one transaction: the deliveries exist
   * (unique idempotency key) before anything is sent, and a decision is never recorded twice.
   */
  async commit(
    ruleId: string,
    state: string,
    wakeAt: number | null,
    now: number,
    deliveries: readonly AlertDeliveryRow[],
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('alert_rule_state')
        .values({ rule_id: ruleId, state, wake_at: wakeAt, updated_at: now })
        .onConflict((oc) => oc.column('rule_id').doUpdateSet({ state, wake_at: wakeAt, updated_at: now }))
        .execute()
      let inserted = 0
      for (let i = 0; i < deliveries.length; i += 200) {
        const r = await tx
          .insertInto('alert_deliveries')
          .values(deliveries.slice(i, i + 200))
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .executeTakeFirst()
        inserted += Number(r.numInsertedOrUpdatedRows ?? 0)
      }
      return inserted
    })
  }

  getCursor(monitorId: string): Promise<string | undefined> {
    return this.db
      .selectFrom('alert_cursors')
      .select('state')
      .where('monitor_id', '=', monitorId)
      .executeTakeFirst()
      .then((r) => r?.state)
  }

  async putCursor(monitorId: string, state: string, now: number): Promise<void> {
    await this.db
      .insertInto('alert_cursors')
      .values({ monitor_id: monitorId, state, updated_at: now })
      .onConflict((oc) => oc.column('monitor_id').doUpdateSet({ state, updated_at: now }))
      .execute()
  }

  async addSignal(row: Omit<AlertSignalRow, 'id'>): Promise<void> {
    await this.db.insertInto('alert_signals').values(row).execute()
  }

  signals(monitorId: string, since: number): Promise<AlertSignalRow[]> {
    return this.db
      .selectFrom('alert_signals')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .where('at', '>=', since)
      .orderBy('at')
      .orderBy('id')
      .execute()
  }

  async pruneSignals(before: number): Promise<void> {
    await this.db.deleteFrom('alert_signals').where('at', '<', before).execute()
  }

  /** An owner's silences overlapping [from, to] (the preview replays them). */
  silencesOverlapping(ownerId: string, from: number, to: number): Promise<SilenceSpan[]> {
    return this.db
      .selectFrom('alert_silences')
      .select(['monitor_id', 'starts_at', 'ends_at'])
      .where('owner_id', '=', ownerId)
      .where('starts_at', '<=', to)
      .where('ends_at', '>', from)
      .execute()
  }
}
