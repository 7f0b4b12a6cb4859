import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type RefreshTokenRow = Selectable<DB['refresh_tokens']>

export class RefreshTokensRepository {
  constructor(private db: Kysely<DB>) {}

  async insert(row: RefreshTokenRow): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(row).execute()
  }

  findByHash(hash: string): Promise<RefreshTokenRow | undefined> {
    return this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()
  }

  /** Marks a token used; false when another request rotated it first (a concurrent reuse). */
  async markRotated(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('refresh_tokens')
      .set({ rotated_at: at })
      .where('id', '=', id)
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async revokeFamily(familyId: string, at: number): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute()
  }

  async deleteExpired(before: number): Promise<void> {
    await this.db.deleteFrom('refresh_tokens').where('expires_at', '<', before).execute()
  }
}
