import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Maintenance windows and alert silences may target a tag selector: a JSON array of labels
 * (`env:prod`, `critical`); a monitor of the same owner is covered when it carries every label,
 * read at evaluation time. Null: the window or silence targets a monitor, a group or everything.
 */
export async function up(db: Kysely<unknown>, _d: Dialect): Promise<void> {
  await db.schema.alterTable('maintenance_windows').addColumn('tags', 'text').execute()
  await db.schema.alterTable('alert_silences').addColumn('tags', 'text').execute()
}
