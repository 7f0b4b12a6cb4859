import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Monitor groups and per-owner `key:value` tags (docs/adr/0011-groups-and-tags.md), and groups as
 * targets: of maintenance windows, alert rules and composite monitors.
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  await db.schema
    .createTable('monitor_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    /** lower(name): names are unique per owner whatever their case, with a plain index on both engines. */
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ux_monitor_groups_owner_name')
    .on('monitor_groups')
    .columns(['owner_id', 'name_key'])
    .unique()
    .execute()
  await db.schema.createIndex('ix_monitor_groups_team').on('monitor_groups').column('team_id').execute()

  await db.schema
    .createTable('tags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    /** '' for a bare `key` (not null, so the unique index below works the same on both engines). */
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('color', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ux_tags_owner_label').on('tags').columns(['owner_id', 'key', 'value']).unique().execute()

  await db.schema
    .createTable('monitor_tags')
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('pk_monitor_tags', ['monitor_id', 'tag_id'])
    .execute()
  await db.schema.createIndex('ix_monitor_tags_tag').on('monitor_tags').columns(['tag_id', 'monitor_id']).execute()

  await db.schema
    .alterTable('monitors')
    .addColumn('group_id', 'text', (c) => c.references('monitor_groups.id').onDelete('set null'))
    .execute()
  await db.schema.createIndex('ix_monitors_group').on('monitors').columns(['group_id', 'name']).execute()

  // A group's windows and rules go with it: a window left without its group must not widen to
  // "every monitor of the owner", and a rule must not silently watch nothing.
  await db.schema
    .alterTable('maintenance_windows')
    .addColumn('group_id', 'text', (c) => c.references('monitor_groups.id').onDelete('cascade'))
    .execute()
  await db.schema.createIndex('ix_maintenance_windows_group').on('maintenance_windows').column('group_id').execute()
  await db.schema
    .alterTable('alert_rules')
    .addColumn('group_id', 'text', (c) => c.references('monitor_groups.id').onDelete('cascade'))
    .execute()
  await db.schema.createIndex('ix_alert_rules_group').on('alert_rules').column('group_id').execute()

  /** 'monitor' | 'group': a group member stands for the group's monitors at evaluation time. */
  await db.schema
    .alterTable('composite_members')
    .addColumn('member_type', 'text', (c) => c.notNull().defaultTo('monitor'))
    .execute()
}
