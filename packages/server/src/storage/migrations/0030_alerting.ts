import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Alerting: channels (secrets sealed inside `config`), rules and their channels, custom matrix
 * templates, the per-rule decision state, the result cursor per monitor, a journal of signals the
 * preview replays (flapping), and the deliveries table — outbox and notification log in one: every
 * send or non-send is a row whose unique idempotency key is written before anything is sent.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  await db.schema
    .createTable('alert_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('locale', 'text')
    .addColumn('template', 'text')
    .addColumn('allow_private', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_alert_channels_owner').on('alert_channels').column('owner_id').execute()

  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('monitor_id', 'text', (c) => c.references('monitors.id').onDelete('cascade'))
    .addColumn('tag_selector', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_alert_rules_monitor').on('alert_rules').column('monitor_id').execute()
  await db.schema.createIndex('ix_alert_rules_owner').on('alert_rules').columns(['owner_id', 'target_kind']).execute()

  await db.schema
    .createTable('alert_rule_channels')
    .addColumn('rule_id', 'text', (c) => c.notNull().references('alert_rules.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull().references('alert_channels.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('pk_alert_rule_channels', ['rule_id', 'channel_id'])
    .execute()
  await db.schema.createIndex('ix_alert_rule_channels_channel').on('alert_rule_channels').column('channel_id').execute()

  await db.schema
    .createTable('alert_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('check_type', 'text', (c) => c.notNull())
    .addColumn('rows', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('alert_rule_state')
    .addColumn('rule_id', 'text', (c) => c.primaryKey().references('alert_rules.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('wake_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_alert_rule_state_wake').on('alert_rule_state').column('wake_at').execute()

  await db.schema
    .createTable('alert_cursors')
    .addColumn('monitor_id', 'text', (c) => c.primaryKey().references('monitors.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('alert_signals')
    .addColumn('id', d.autoIncrementPk, (c) => (d.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('monitor_id', 'text', (c) => c.references('monitors.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('data', 'text')
    .execute()
  await db.schema.createIndex('ix_alert_signals_monitor').on('alert_signals').columns(['monitor_id', 'at']).execute()

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('incident_id', 'text')
    .addColumn('monitor_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ts)
    .addColumn('lease_until', ts)
    .addColumn('claim', 'text')
    .addColumn('last_error', 'text')
    .addColumn('response', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('sent_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ix_alert_deliveries_due')
    .on('alert_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('ix_alert_deliveries_incident')
    .on('alert_deliveries')
    .columns(['incident_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('ix_alert_deliveries_rule')
    .on('alert_deliveries')
    .columns(['rule_id', 'created_at'])
    .execute()
}
