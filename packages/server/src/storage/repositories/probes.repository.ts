import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type ProbeRow = Selectable<DB['probes']>

export class ProbesRepository {
  constructor(private db: Kysely<DB>) {}

  async insert(row: ProbeRow): Promise<void> {
    await this.db.insertInto('probes').values(row).execute()
  }

  /** One indexed look-up (unique index on key_hash), never a scan over every probe's key. */
  findByKeyHash(hash: string): Promise<ProbeRow | undefined> {
    return this.db.selectFrom('probes').selectAll().where('key_hash', '=', hash).executeTakeFirst()
  }

  findById(id: string): Promise<ProbeRow | undefined> {
    return this.db.selectFrom('probes').selectAll().where('id', '=', id).executeTakeFirst()
  }

  findByName(name: string): Promise<ProbeRow | undefined> {
    return this.db.selectFrom('probes').selectAll().where('name', '=', name).executeTakeFirst()
  }

  list(): Promise<ProbeRow[]> {
    return this.db.selectFrom('probes').selectAll().orderBy('name').execute()
  }

  async update(id: string, patch: Partial<Omit<ProbeRow, 'id' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('probes').set(patch).where('id', '=', id).execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('probes').where('id', '=', id).execute()
  }
}
