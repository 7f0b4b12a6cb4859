import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type UserRow = Selectable<DB['users']>

export class UsersRepository {
  constructor(private db: Kysely<DB>) {}

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** Login accepts the username or the e-mail, case-insensitively. */
  findByLogin(login: string): Promise<UserRow | undefined> {
    const l = login.trim().toLowerCase()
    return this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('email', '=', l), eb('username', '=', l)]))
      .executeTakeFirst()
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute()
  }

  async update(id: string, patch: Partial<Omit<UserRow, 'id'>>): Promise<void> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute()
  }
}
