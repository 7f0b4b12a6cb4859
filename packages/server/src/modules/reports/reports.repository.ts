import type { Kysely } from 'kysely'
import type { DB } from '../../storage/schema.js'

/** The tables of migration 0071 (kept with their module: nothing else reads them). */
export type ReportTables = {
  group_report_schedules: {
    group_id: string
    owner_id: string
    schedule: string
    timezone: string
    recipients: string
    channel_id: string
    enabled: number
    created_at: number
    updated_at: number
  }
  group_report_sends: {
    key: string
    group_id: string
    period_from: number
    period_to: number
    status: string
    attempts: number
    lease_until: number | null
    last_error: string | null
    created_at: number
    sent_at: number | null
  }
}
export type ScheduleRow = ReportTables['group_report_schedules']
export type SendRow = ReportTables['group_report_sends']

export class ReportsRepository {
  private db: Kysely<DB & ReportTables>

  constructor(db: Kysely<DB>) {
    this.db = db.withTables<ReportTables>()
  }

  findSchedule(groupId: string): Promise<ScheduleRow | undefined> {
    return this.db.selectFrom('group_report_schedules').selectAll().where('group_id', '=', groupId).executeTakeFirst()
  }

  async putSchedule(row: ScheduleRow): Promise<void> {
    const { group_id: _g, created_at: _c, ...update } = row
    await this.db
      .insertInto('group_report_schedules')
      .values(row)
      .onConflict((oc) => oc.column('group_id').doUpdateSet(update))
      .execute()
  }

  enabledSchedules(): Promise<ScheduleRow[]> {
    return this.db
      .selectFrom('group_report_schedules')
      .selectAll()
      .where('enabled', '=', 1)
      .orderBy('group_id')
      .execute()
  }

  /** Records the period before anything is sent; an existing row (already recorded) is kept. */
  async recordSend(row: SendRow): Promise<void> {
    await this.db
      .insertInto('group_report_sends')
      .values(row)
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
  }

  /** Takes a pending send for `leaseMs` (one sender at a time); false when it is not ours to send. */
  async claim(key: string, now: number, leaseMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('group_report_sends')
      .set({ lease_until: now + leaseMs })
      .where('key', '=', key)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  async finish(
    key: string,
    patch: Partial<Pick<SendRow, 'status' | 'attempts' | 'last_error' | 'sent_at' | 'lease_until'>>,
  ) {
    await this.db.updateTable('group_report_sends').set(patch).where('key', '=', key).execute()
  }

  findSend(key: string): Promise<SendRow | undefined> {
    return this.db.selectFrom('group_report_sends').selectAll().where('key', '=', key).executeTakeFirst()
  }

  sendsOf(groupId: string): Promise<SendRow[]> {
    return this.db
      .selectFrom('group_report_sends')
      .selectAll()
      .where('group_id', '=', groupId)
      .orderBy('period_from')
      .execute()
  }
}
