import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Server-side monitors: heartbeat state, pings and runs; composite membership; manual states.
 * A monitor's live status stays in `monitor_state`, like every other kind's.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  await db.schema
    .createTable('heartbeat_monitors')
    .addColumn('monitor_id', 'text', (c) => c.primaryKey().references('monitors.id').onDelete('cascade'))
    // Unguessable (≥ 128 random bits): the ping URL is the only credential a job holds.
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    /** 'new' (waiting for the first ping) | 'up' | 'down'. */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('cause', 'text')
    /** The schedule counts from here: the latest success/failure ping, or the end of a maintenance window. */
    .addColumn('anchor_at', ts)
    .addColumn('last_ping_at', ts)
    /** The next deadline to evaluate (null: nothing to wait for), so timers are re-armed after a restart. */
    .addColumn('due_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('heartbeat_pings')
    .addColumn('id', d.autoIncrementPk, (c) => (d.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('exit_status', 'integer')
    .addColumn('rid', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('body', 'text')
    .addColumn('body_size', 'integer', (c) => c.notNull())
    .addColumn('body_truncated', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', ts)
    .execute()
  await db.schema.createIndex('ix_heartbeat_pings').on('heartbeat_pings').columns(['monitor_id', 'id']).execute()

  await db.schema
    .createTable('heartbeat_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('rid', 'text')
    .addColumn('started_at', ts, (c) => c.notNull())
    /** started_at + grace, moved to a maintenance window's end + grace when it falls inside one. */
    .addColumn('deadline_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .addColumn('duration_ms', ts)
    /** 'running' | 'success' | 'fail' | 'timeout' | 'superseded' | 'reset'. */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_heartbeat_runs').on('heartbeat_runs').columns(['monitor_id', 'started_at']).execute()

  // No foreign key on member_id: deleting a member must find (and re-evaluate) its composites
  // first, which the MonitorDeleted handler does; reads join `monitors`, so a stray row is inert.
  await db.schema
    .createTable('composite_members')
    .addColumn('composite_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_composite_members', ['composite_id', 'member_id'])
    .execute()
  await db.schema.createIndex('ix_composite_members_member').on('composite_members').column('member_id').execute()

  await db.schema
    .createTable('manual_states')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_manual_states').on('manual_states').columns(['monitor_id', 'at']).execute()
}
