import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Scheduled SLA report e-mails per monitor group: the schedule (weekly or monthly, in a time
 * zone, to ≤ 20 recipients, through one of the owner's e-mail channels) and one row per group and
 * period, written before the e-mail is sent, so a period is reported once.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  await db.schema
    .createTable('group_report_schedules')
    .addColumn('group_id', 'text', (c) => c.primaryKey().references('monitor_groups.id').onDelete('cascade'))
    /** Who set it: the report covers what this user may see, and goes through their channel. */
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** 'weekly' (Monday to Monday) | 'monthly' (1st to 1st), in `timezone`. */
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    /** JSON array of e-mail addresses. */
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('alert_channels.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('group_report_sends')
    /** `<group id>|<schedule>:<period start date>`: the idempotency key of one report. */
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('monitor_groups.id').onDelete('cascade'))
    .addColumn('period_from', ts, (c) => c.notNull())
    .addColumn('period_to', ts, (c) => c.notNull())
    /** 'pending' | 'sent' | 'failed' (gave up after the last attempt). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('lease_until', ts)
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('sent_at', ts)
    .execute()
  await db.schema.createIndex('ix_group_report_sends_group').on('group_report_sends').column('group_id').execute()
}
