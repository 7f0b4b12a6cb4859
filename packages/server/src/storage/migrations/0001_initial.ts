import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../dialect.js'

/** Every owned resource carries owner_id + nullable team_id from day one (teams come later). */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('full_name', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('is_superadmin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('can_create_monitors', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('timezone', 'text')
    .addColumn('language', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('rotated_at', ts)
    .addColumn('revoked_at', ts)
    .execute()
  await db.schema.createIndex('ix_refresh_tokens_family').on('refresh_tokens').column('family_id').execute()

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('team_memberships')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_team_memberships', ['team_id', 'user_id'])
    .execute()

  await db.schema
    .createTable('monitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('check_type', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('network_scope', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_monitors_owner').on('monitors').columns(['owner_id', 'name']).execute()
  await db.schema.createIndex('ix_monitors_team').on('monitors').column('team_id').execute()
  await db.schema.createIndex('ix_monitors_assign').on('monitors').columns(['enabled', 'network_scope']).execute()

  await db.schema
    .createTable('monitor_state')
    .addColumn('monitor_id', 'text', (c) => c.primaryKey().references('monitors.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_since', ts)
    .addColumn('last_checked_at', ts)
    .addColumn('last_latency_ms', d.double)
    .execute()

  await db.schema
    .createTable('probes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('location_name', 'text', (c) => c.notNull())
    .addColumn('latitude', d.double)
    .addColumn('longitude', d.double)
    .addColumn('network_type', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('is_embedded', 'integer', (c) => c.notNull())
    .addColumn('last_seen_at', ts)
    .addColumn('health', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('monitor_probe_state')
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('probe_id', 'text', (c) => c.notNull().references('probes.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('checked_at', ts, (c) => c.notNull())
    .addColumn('since', ts, (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
    .addColumn('consecutive_successes', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_monitor_probe_state', ['monitor_id', 'probe_id'])
    .execute()

  await db.schema
    .createTable('probe_batches')
    .addColumn('probe_id', 'text', (c) => c.notNull().references('probes.id').onDelete('cascade'))
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('received_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_probe_batches', ['probe_id', 'batch_id'])
    .execute()

  await db.schema
    .createTable('check_results')
    .addColumn('id', d.autoIncrementPk, (c) => (d.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('probe_id', 'text', (c) => c.notNull())
    .addColumn('checked_at', ts, (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', d.double, (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('detail', 'text')
    .execute()
  await db.schema
    .createIndex('ix_results_monitor_time')
    .on('check_results')
    .columns(['monitor_id', 'checked_at'])
    .execute()

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('cause', 'text')
    .addColumn('first_failure_at', ts, (c) => c.notNull())
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('resolved_at', ts)
    .addColumn('affected_probe_ids', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_incidents_monitor').on('incidents').columns(['monitor_id', 'started_at']).execute()
  // At most one open incident per monitor, enforced by the database (both dialects support partial indexes).
  await db.schema
    .createIndex('ux_incidents_one_open')
    .on('incidents')
    .column('monitor_id')
    .unique()
    .where(sql.ref('resolved_at'), 'is', null)
    .execute()
}
