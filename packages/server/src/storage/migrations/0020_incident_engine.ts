import type { ColumnDataType, Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * The multi-probe incident engine: counted (hysteresis) state per probe view, incident scope and
 * suppression, probe health, and the tables for maintenance, silences, dependencies, updates and
 * the incident timeline.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  // Added columns are nullable or carry a default, so existing rows stay valid on both dialects.
  const add = async (table: string, cols: [name: string, type: ColumnDataType, fallback?: string | number][]) => {
    for (const [name, type, fallback] of cols) {
      await db.schema
        .alterTable(table)
        .addColumn(name, type, (c) => (fallback === undefined ? c : c.notNull().defaultTo(fallback)))
        .execute()
    }
  }
  await add('monitor_probe_state', [
    ['counted', 'text', 'up'],
    ['failing_since', ts],
    ['changes', 'text', '[]'],
  ])
  await add('monitor_state', [
    ['flapping', 'integer', 0],
    ['scope', 'text'],
  ])
  await add('incidents', [
    ['scope', 'text', 'global'],
    ['suppressed', 'text'],
    ['paged_at', ts],
    ['acked_at', ts],
    ['acked_by', 'text'],
    ['snooze_until', ts],
    ['postmortem', 'text'],
    ['updated_at', ts],
    ['group_id', 'text'],
  ])
  await add('probes', [
    ['region', 'text'],
    ['asn', 'integer'],
    ['suspect_since', ts],
    ['offline_since', ts],
  ])

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('monitor_id', 'text', (c) => c.references('monitors.id').onDelete('cascade'))
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_maintenance_monitor').on('maintenance_windows').column('monitor_id').execute()
  await db.schema.createIndex('ix_maintenance_owner').on('maintenance_windows').column('owner_id').execute()

  await db.schema
    .createTable('alert_silences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('monitor_id', 'text', (c) => c.references('monitors.id').onDelete('cascade'))
    .addColumn('starts_at', ts, (c) => c.notNull())
    .addColumn('ends_at', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ix_silences_owner').on('alert_silences').columns(['owner_id', 'ends_at']).execute()

  await db.schema
    .createTable('monitor_dependencies')
    .addColumn('parent_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('child_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_monitor_dependencies', ['parent_id', 'child_id'])
    .execute()
  await db.schema.createIndex('ix_dependencies_child').on('monitor_dependencies').column('child_id').execute()

  await db.schema
    .createTable('incident_updates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ix_incident_updates')
    .on('incident_updates')
    .columns(['incident_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('incident_events')
    .addColumn('id', d.autoIncrementPk, (c) => (d.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .execute()
  await db.schema.createIndex('ix_incident_events').on('incident_events').columns(['incident_id', 'at']).execute()
  // Incidents opened together for one root cause page once, as a group.
  await db.schema
    .createTable('incident_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('leader_incident_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('opened_at', ts, (c) => c.notNull())
    .addColumn('resolved_at', ts)
    .execute()
  await db.schema
    .createIndex('ix_incident_groups_open')
    .on('incident_groups')
    .columns(['owner_id', 'resolved_at'])
    .execute()
  await db.schema.createIndex('ix_incidents_open').on('incidents').columns(['resolved_at', 'started_at']).execute()
}
