import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type CompositeMemberRow = Selectable<DB['composite_members']>

/** A member as a composite evaluates and lists it: its monitor's name, kind, enabled flag and state. */
export interface MemberWithState extends CompositeMemberRow {
  name: string
  check_type: string
  enabled: number
  status: string | null
}

/** Composite membership (monitor → members). Members that no longer exist are never returned. */
export class CompositesRepository {
  constructor(private db: Kysely<DB>) {}

  members(compositeId: string): Promise<MemberWithState[]> {
    return this.db
      .selectFrom('composite_members as cm')
      .innerJoin('monitors as m', 'm.id', 'cm.member_id')
      .leftJoin('monitor_state as s', 's.monitor_id', 'cm.member_id')
      .selectAll('cm')
      .select(['m.name', 'm.check_type', 'm.enabled', 's.status'])
      .where('cm.composite_id', '=', compositeId)
      .orderBy('cm.created_at')
      .orderBy('m.name')
      .orderBy('cm.member_id')
      .execute()
  }

  find(compositeId: string, memberId: string): Promise<CompositeMemberRow | undefined> {
    return this.db
      .selectFrom('composite_members')
      .selectAll()
      .where('composite_id', '=', compositeId)
      .where('member_id', '=', memberId)
      .executeTakeFirst()
  }

  /** Composites that contain this monitor directly. */
  async parentsOf(memberId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('composite_members')
      .select('composite_id')
      .where('member_id', '=', memberId)
      .execute()
    return rows.map((r) => r.composite_id)
  }

  /** Direct members of these composites (for cycle detection), as edges. */
  edgesFrom(compositeIds: readonly string[]): Promise<{ composite_id: string; member_id: string }[]> {
    if (compositeIds.length === 0) return Promise.resolve([])
    return this.db
      .selectFrom('composite_members')
      .select(['composite_id', 'member_id'])
      .where('composite_id', 'in', [...compositeIds])
      .execute()
  }

  count(compositeId: string): Promise<number> {
    return this.db
      .selectFrom('composite_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('composite_id', '=', compositeId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n))
  }

  /** False when the pair already exists. */
  async add(row: CompositeMemberRow): Promise<boolean> {
    const r = await this.db
      .insertInto('composite_members')
      .values(row)
      .onConflict((oc) => oc.columns(['composite_id', 'member_id']).doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
  }

  async update(compositeId: string, memberId: string, patch: Partial<Pick<CompositeMemberRow, 'weight' | 'role'>>) {
    await this.db
      .updateTable('composite_members')
      .set(patch)
      .where('composite_id', '=', compositeId)
      .where('member_id', '=', memberId)
      .execute()
  }

  async remove(compositeId: string, memberId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('composite_members')
      .where('composite_id', '=', compositeId)
      .where('member_id', '=', memberId)
      .executeTakeFirst()
    return Number(r.numDeletedRows) === 1
  }

  /** A deleted monitor leaves every composite it was in. */
  async removeMemberEverywhere(memberId: string): Promise<void> {
    await this.db.deleteFrom('composite_members').where('member_id', '=', memberId).execute()
  }

  /** A monitor that stops being a composite loses its members. */
  async clear(compositeId: string): Promise<void> {
    await this.db.deleteFrom('composite_members').where('composite_id', '=', compositeId).execute()
  }
}
