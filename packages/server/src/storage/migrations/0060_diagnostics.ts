import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Diagnostics captured by the affected probes when an incident opens. The request rows are the
 * durable part: a probe that was offline, or lost the pushed command, is asked again at its next
 * heartbeat until it uploads or the request expires (see docs/adr/0012-incident-diagnostics.md).
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  await db.schema
    .createTable('diagnostic_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('probe_id', 'text', (c) => c.notNull().references('probes.id').onDelete('cascade'))
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    /** JSON DiagnosticTarget, fixed at request time: a later edit of the monitor does not change what was asked. */
    .addColumn('target', 'text', (c) => c.notNull())
    /** JSON array of DiagnosticKind. */
    .addColumn('kinds', 'text', (c) => c.notNull())
    /** 'pending' | 'complete' | 'expired'. */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('requested_at', ts, (c) => c.notNull())
    /** Last push to the probe (null: never pushed); a pending request is pushed again after a while. */
    .addColumn('sent_at', ts)
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('completed_at', ts)
    .execute()
  // One request per probe and incident: a scope change that lists a probe again asks nothing new.
  await db.schema
    .createIndex('ux_diagnostic_requests_incident_probe')
    .on('diagnostic_requests')
    .columns(['incident_id', 'probe_id'])
    .unique()
    .execute()
  await db.schema
    .createIndex('ix_diagnostic_requests_probe_state')
    .on('diagnostic_requests')
    .columns(['probe_id', 'state'])
    .execute()
  await db.schema
    .createIndex('ix_diagnostic_requests_state_expires')
    .on('diagnostic_requests')
    .columns(['state', 'expires_at'])
    .execute()

  await db.schema
    .createTable('diagnostic_results')
    .addColumn('request_id', 'text', (c) => c.notNull().references('diagnostic_requests.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    /** JSON payload of the kind (see shared/diagnostics.ts); null when the collector failed. */
    .addColumn('payload', 'text')
    .addColumn('raw', 'text')
    .addColumn('error', 'text')
    .addColumn('duration_ms', ts, (c) => c.notNull())
    .addColumn('collected_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('pk_diagnostic_results', ['request_id', 'kind'])
    .execute()
}
