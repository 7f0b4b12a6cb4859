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

/** A group member of a composite, with the group's name. */
export interface GroupMemberRow extends CompositeMemberRow {
  name: string
}

/** A monitor of a group, as a composite evaluates it. */
export interface GroupMonitorState {
  id: string
  group_id: string
  name: string
  check_type: string
  enabled: number
  status: string | null
}

/**
 * Composite membership (monitor → members). A member is a monitor, or a group standing for its
 * monitors (`member_type` 'group'). Members that no longer exist are never returned.
 */
export class CompositesRepository {
  constructor(private db: Kysely<DB>) {}

  /** The monitor members (not groups) of a composite, with their states. */
  members(compositeId: string): Promise<MemberWithState[]> {
    return this.db
      .selectFrom('composite_members as cm')
      .innerJoin('monitors as m', 'm.id', 'cm.member_id')
      .leftJoin('monitor_state as s', 's.monitor_id', 'cm.member_id')
      .selectAll('cm')
      .select(['m.name', 'm.check_type', 'm.enabled', 's.status'])
      .where('cm.composite_id', '=', compositeId)
      .where('cm.member_type', '=', 'monitor')
      .orderBy('cm.created_at')
      .orderBy('m.name')
      .orderBy('cm.member_id')
      .execute()
  }

  /** The group members of a composite, with the groups' names. */
  groupMembers(compositeId: string): Promise<GroupMemberRow[]> {
    return this.db
      .selectFrom('composite_members as cm')
      .innerJoin('monitor_groups as g', 'g.id', 'cm.member_id')
      .selectAll('cm')
      .select('g.name')
      .where('cm.composite_id', '=', compositeId)
      .where('cm.member_type', '=', 'group')
      .orderBy('cm.created_at')
      .orderBy('g.name')
      .execute()
  }

  /** The monitors of these groups now, with their states. */
  async groupMonitors(groupIds: readonly string[]): Promise<GroupMonitorState[]> {
    if (groupIds.length === 0) return []
    const rows = await this.db
      .selectFrom('monitors as m')
      .leftJoin('monitor_state as s', 's.monitor_id', 'm.id')
      .select(['m.id', 'm.group_id', 'm.name', 'm.check_type', 'm.enabled', 's.status'])
      .where('m.group_id', 'in', [...groupIds])
      .orderBy('m.name')
      .orderBy('m.id')
      .execute()
    return rows.map((r) => ({ ...r, group_id: r.group_id as string }))
  }

  /** Composites that contain one of these groups. */
  async parentsOfGroups(groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return []
    const rows = await this.db
      .selectFrom('composite_members')
      .select('composite_id')
      .distinct()
      .where('member_type', '=', 'group')
      .where('member_id', 'in', [...groupIds])
      .execute()
    return rows.map((r) => r.composite_id)
  }

  find(compositeId: string, memberId: string): Promise<CompositeMemberRow | undefined> {
    return this.db
      .selectFrom('composite_members')
      .selectAll()
      .where('composite_id', '=', compositeId)
      .where('member_id', '=', memberId)
      .executeTakeFirst()
  }

  /** Composites that contain this monitor, directly or through its current group. */
  async parentsOf(memberId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('composite_members')
      .select('composite_id')
      .distinct()
      .where((eb) =>
        eb.or([
          eb.and([eb('member_type', '=', 'monitor'), eb('member_id', '=', memberId)]),
          eb.and([
            eb('member_type', '=', 'group'),
            eb('member_id', 'in', eb.selectFrom('monitors').select('group_id').where('id', '=', memberId)),
          ]),
        ]),
      )
      .execute()
    return rows.map((r) => r.composite_id)
  }

  /**
   * Members of these composites (for cycle detection), as edges to monitors: a group member is an
   * edge to each of the group's monitors now.
   */
  async edgesFrom(compositeIds: readonly string[]): Promise<{ composite_id: string; member_id: string }[]> {
    if (compositeIds.length === 0) return []
    const direct = await this.db
      .selectFrom('composite_members')
      .select(['composite_id', 'member_id', 'member_type'])
      .where('composite_id', 'in', [...compositeIds])
      .execute()
    const groups = direct.filter((e) => e.member_type === 'group')
    const inGroups = await this.groupMonitors([...new Set(groups.map((g) => g.member_id))])
    return [
      ...direct
        .filter((e) => e.member_type === 'monitor')
        .map((e) => ({ composite_id: e.composite_id, member_id: e.member_id })),
      ...groups.flatMap((g) =>
        inGroups
          .filter((m) => m.group_id === g.member_id)
          .map((m) => ({ composite_id: g.composite_id, member_id: m.id })),
      ),
    ]
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
