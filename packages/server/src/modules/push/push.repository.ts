import type { Kysely } from 'kysely'
import type { DB } from '../../storage/schema.js'

/** The table of migration 0070 (kept with its module: nothing else reads it). */
export type WebPushTables = {
  web_push_subscriptions: {
    id: string
    user_id: string
    endpoint_hash: string
    endpoint_host: string
    /** Encrypted JSON `{ endpoint, p256dh, auth }`. */
    secret: string
    label: string | null
    created_at: number
    last_sent_at: number | null
  }
}
export type WebPushRow = WebPushTables['web_push_subscriptions']

/** The most subscriptions (browsers, devices) one user keeps. */
export const MAX_SUBSCRIPTIONS_PER_USER = 20

/** Web Push subscriptions, always read and written for one user (the scope is the user id). */
export class WebPushRepository {
  private db: Kysely<DB & WebPushTables>

  constructor(db: Kysely<DB>) {
    this.db = db.withTables<WebPushTables>()
  }

  list(userId: string): Promise<WebPushRow[]> {
    return this.db
      .selectFrom('web_push_subscriptions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
  }

  async count(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('web_push_subscriptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(r?.n ?? 0)
  }

  findByHash(userId: string, hash: string): Promise<WebPushRow | undefined> {
    return this.db
      .selectFrom('web_push_subscriptions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('endpoint_hash', '=', hash)
      .executeTakeFirst()
  }

  async insert(row: WebPushRow): Promise<void> {
    await this.db.insertInto('web_push_subscriptions').values(row).execute()
  }

  async replaceSecret(id: string, secret: string, label: string | null): Promise<void> {
    await this.db.updateTable('web_push_subscriptions').set({ secret, label }).where('id', '=', id).execute()
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('web_push_subscriptions')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  }

  async markSent(id: string, at: number): Promise<void> {
    await this.db.updateTable('web_push_subscriptions').set({ last_sent_at: at }).where('id', '=', id).execute()
  }

  /** Instance setting (the VAPID key pair); insert-if-absent so concurrent first uses agree. */
  async getSetting(key: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
    return r?.value
  }

  async putSettingIfAbsent(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
  }
}
