import type { Kysely } from 'kysely'
import type { Dialect } from '../dialect.js'

/**
 * Web Push: each user's browser subscriptions. The push endpoint (a capability URL) and the
 * browser's keys are encrypted at rest; only a hash of the endpoint (to recognise a browser that
 * subscribes again) and its host (to show the user which push service) are stored in clear. The
 * instance's VAPID key pair lives in `settings` (private key encrypted).
 */
export async function up(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const ts = d.bigint
  await db.schema
    .createTable('web_push_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** SHA-256 (hex) of the endpoint URL: one row per browser and user. */
    .addColumn('endpoint_hash', 'text', (c) => c.notNull())
    .addColumn('endpoint_host', 'text', (c) => c.notNull())
    /** Encrypted JSON `{ endpoint, p256dh, auth }`. */
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_sent_at', ts)
    .execute()
  await db.schema
    .createIndex('ux_web_push_user_endpoint')
    .on('web_push_subscriptions')
    .columns(['user_id', 'endpoint_hash'])
    .unique()
    .execute()
}
