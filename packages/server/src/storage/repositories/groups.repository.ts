import type { Kysely, Selectable, Transaction } from 'kysely'
import type { RequestContext } from '../../core/context.js'
import { newId } from '../../core/ids.js'
import type { DB } from '../schema.js'
import { ownedBy, visibleTo } from '../scope.js'

export type GroupRow = Selectable<DB['monitor_groups']>
export type TagRow = Selectable<DB['tags']>

/** Monitors of a group by state, as the group list shows them. */
export interface GroupCounts {
  up: number
  down: number
  degraded: number
  paused: number
  unknown: number
}

/** A tag as stored: `value` is '' for a bare key. */
export interface TagKey {
  key: string
  value: string
}

const STATES = ['up', 'down', 'degraded', 'unknown'] as const
const emptyCounts = (): GroupCounts => ({ up: 0, down: 0, degraded: 0, paused: 0, unknown: 0 })

/** Monitor groups, per-owner tags and which monitors carry which tags. */
export class GroupsRepository {
  constructor(private db: Kysely<DB>) {}

  // ── Groups ────────────────────────────────────────────────────────────────────────────────

  async insertGroup(row: GroupRow): Promise<void> {
    await this.db.insertInto('monitor_groups').values(row).execute()
  }

  findGroupVisible(ctx: RequestContext, id: string): Promise<GroupRow | undefined> {
    return this.db
      .selectFrom('monitor_groups')
      .selectAll()
      .where('id', '=', id)
      .where(visibleTo<'monitor_groups'>(ctx))
      .executeTakeFirst()
  }

  findGroups(ids: readonly string[]): Promise<GroupRow[]> {
    if (ids.length === 0) return Promise.resolve([])
    return this.db
      .selectFrom('monitor_groups')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute()
  }

  listGroups(ctx: RequestContext): Promise<GroupRow[]> {
    return this.db
      .selectFrom('monitor_groups')
      .selectAll()
      .where(visibleTo<'monitor_groups'>(ctx))
      .orderBy('name_key')
      .orderBy('id')
      .execute()
  }

  /** Another group of this owner already has this name (case-insensitively)? */
  async groupNameTaken(ownerId: string, nameKey: string, exceptId: string | null): Promise<boolean> {
    let q = this.db
      .selectFrom('monitor_groups')
      .select('id')
      .where('owner_id', '=', ownerId)
      .where('name_key', '=', nameKey)
    if (exceptId !== null) q = q.where('id', '!=', exceptId)
    return (await q.executeTakeFirst()) !== undefined
  }

  async updateGroup(id: string, patch: Partial<Pick<GroupRow, 'name' | 'name_key' | 'description' | 'updated_at'>>) {
    await this.db.updateTable('monitor_groups').set(patch).where('id', '=', id).execute()
  }

  /**
   * Deletes a group: its monitors stay, ungrouped; composites lose it as a member; its maintenance
   * windows and alert rules go with it (foreign keys). Returns the composites that contained it.
   */
  async deleteGroup(id: string): Promise<string[]> {
    return this.db.transaction().execute(async (tx) => {
      const parents = await tx
        .selectFrom('composite_members')
        .select('composite_id')
        .where('member_id', '=', id)
        .where('member_type', '=', 'group')
        .execute()
      await tx.deleteFrom('composite_members').where('member_id', '=', id).where('member_type', '=', 'group').execute()
      await tx.updateTable('monitors').set({ group_id: null }).where('group_id', '=', id).execute()
      await tx.deleteFrom('maintenance_windows').where('group_id', '=', id).execute()
      await tx.deleteFrom('alert_rules').where('group_id', '=', id).execute()
      await tx.deleteFrom('monitor_groups').where('id', '=', id).execute()
      return parents.map((p) => p.composite_id)
    })
  }

  /** Per group: its monitors visible to the caller, by state (paused = disabled, whatever its last state). */
  async groupCounts(ctx: RequestContext, groupIds: readonly string[]): Promise<Map<string, GroupCounts>> {
    const out = new Map(groupIds.map((id) => [id, emptyCounts()]))
    if (groupIds.length === 0) return out
    const rows = await this.db
      .selectFrom('monitors')
      .leftJoin('monitor_state', 'monitor_state.monitor_id', 'monitors.id')
      .select(['monitors.group_id', 'monitors.enabled', 'monitor_state.status'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('monitors.group_id', 'in', [...groupIds])
      .where(visibleTo(ctx))
      .groupBy(['monitors.group_id', 'monitors.enabled', 'monitor_state.status'])
      .execute()
    for (const r of rows) {
      const c = out.get(r.group_id ?? '')
      if (!c) continue
      const state =
        r.enabled !== 1 ? 'paused' : (STATES.find((s) => s === r.status) ?? ('unknown' as keyof GroupCounts))
      c[state] += Number(r.n)
    }
    return out
  }

  /** Ids of the group's monitors (any owner: callers scope them). */
  async groupMemberIds(groupIds: readonly string[]): Promise<{ id: string; group_id: string }[]> {
    if (groupIds.length === 0) return []
    const rows = await this.db
      .selectFrom('monitors')
      .select(['id', 'group_id'])
      .where('group_id', 'in', [...groupIds])
      .orderBy('name')
      .orderBy('id')
      .execute()
    return rows.map((r) => ({ id: r.id, group_id: r.group_id as string }))
  }

  // ── Tags ──────────────────────────────────────────────────────────────────────────────────

  findTagVisible(ctx: RequestContext, id: string): Promise<TagRow | undefined> {
    return this.db.selectFrom('tags').selectAll().where('id', '=', id).where(ownedBy<'tags'>(ctx)).executeTakeFirst()
  }

  findTag(ownerId: string, t: TagKey): Promise<TagRow | undefined> {
    return this.db
      .selectFrom('tags')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('key', '=', t.key)
      .where('value', '=', t.value)
      .executeTakeFirst()
  }

  /** The caller's tags (every owner's for a superadmin), with how many visible monitors carry each. */
  async listTags(ctx: RequestContext): Promise<(TagRow & { monitor_count: number })[]> {
    const tags = await this.db
      .selectFrom('tags')
      .selectAll()
      .where(ownedBy<'tags'>(ctx))
      .orderBy('key')
      .orderBy('value')
      .orderBy('id')
      .execute()
    if (tags.length === 0) return []
    const counts = await this.db
      .selectFrom('monitor_tags')
      .innerJoin('monitors', 'monitors.id', 'monitor_tags.monitor_id')
      .select('monitor_tags.tag_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(visibleTo(ctx))
      .groupBy('monitor_tags.tag_id')
      .execute()
    const byTag = new Map(counts.map((c) => [c.tag_id, Number(c.n)]))
    return tags.map((t) => ({ ...t, monitor_count: byTag.get(t.id) ?? 0 }))
  }

  /** Inserts the tag unless the owner has it; answers the stored row either way. */
  async ensureTag(row: TagRow): Promise<TagRow> {
    return ensureTags(this.db, row.owner_id, [row], row.created_at).then((m) => m.get(tagMapKey(row)) as TagRow)
  }

  /**
   * Updates a tag. A rename (`relabel`) also rewrites the owner's tag selectors that name the old
   * label (alert rules, maintenance windows and silences), in the same transaction, so they keep
   * covering the same monitors.
   */
  async updateTag(
    id: string,
    patch: Partial<Pick<TagRow, 'key' | 'value' | 'color'>>,
    relabel?: { ownerId: string; from: string; to: string },
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('tags').set(patch).where('id', '=', id).execute()
      if (!relabel || relabel.from === relabel.to) return
      const rename = (json: string | null): string | null => {
        const labels = JSON.parse(json ?? '[]') as string[]
        if (!labels.includes(relabel.from)) return null
        return JSON.stringify([...new Set(labels.map((l) => (l === relabel.from ? relabel.to : l)))])
      }
      const rules = await tx
        .selectFrom('alert_rules')
        .select(['id', 'tag_selector'])
        .where('owner_id', '=', relabel.ownerId)
        .where('target_kind', '=', 'tag')
        .execute()
      for (const r of rules) {
        const next = rename(r.tag_selector)
        if (next !== null)
          await tx.updateTable('alert_rules').set({ tag_selector: next }).where('id', '=', r.id).execute()
      }
      for (const table of ['maintenance_windows', 'alert_silences'] as const) {
        const rows = await tx
          .selectFrom(table)
          .select(['id', 'tags'])
          .where('owner_id', '=', relabel.ownerId)
          .where('tags', 'is not', null)
          .execute()
        for (const r of rows) {
          const next = rename(r.tags)
          if (next !== null) await tx.updateTable(table).set({ tags: next }).where('id', '=', r.id).execute()
        }
      }
    })
  }

  async deleteTag(id: string): Promise<void> {
    await this.db.deleteFrom('tags').where('id', '=', id).execute()
  }

  /** Monitors carrying this tag (to tell them their labels changed). */
  async monitorsWithTag(tagId: string): Promise<{ id: string; owner_id: string }[]> {
    return this.db
      .selectFrom('monitor_tags')
      .innerJoin('monitors', 'monitors.id', 'monitor_tags.monitor_id')
      .select(['monitors.id', 'monitors.owner_id'])
      .where('monitor_tags.tag_id', '=', tagId)
      .execute()
  }

  /** Labels per monitor, sorted: one query for a whole page. */
  async labelsFor(monitorIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>()
    if (monitorIds.length === 0) return out
    const rows = await this.db
      .selectFrom('monitor_tags')
      .innerJoin('tags', 'tags.id', 'monitor_tags.tag_id')
      .select(['monitor_tags.monitor_id', 'tags.key', 'tags.value'])
      .where('monitor_tags.monitor_id', 'in', [...monitorIds])
      .execute()
    for (const r of rows) {
      const list = out.get(r.monitor_id) ?? []
      list.push(r.value === '' ? r.key : `${r.key}:${r.value}`)
      out.set(r.monitor_id, list)
    }
    for (const list of out.values()) list.sort()
    return out
  }

  /** Replaces one monitor's tags (created for `ownerId` when missing), in one transaction. */
  async setMonitorTags(monitorId: string, ownerId: string, tags: readonly TagKey[], now: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const ids = [...(await ensureTags(tx, ownerId, tags, now)).values()].map((t) => t.id)
      await tx.deleteFrom('monitor_tags').where('monitor_id', '=', monitorId).execute()
      if (ids.length > 0) {
        await tx
          .insertInto('monitor_tags')
          .values(ids.map((tag_id) => ({ monitor_id: monitorId, tag_id })))
          .execute()
      }
    })
  }

  /**
   * Adds tags to monitors (each tag created for the monitor's owner when missing). Monitors that
   * would exceed `max` tags are returned, and then nothing is written (one transaction).
   */
  async addTags(
    monitors: readonly { id: string; owner_id: string }[],
    tags: readonly TagKey[],
    now: number,
    max: number,
  ): Promise<string[]> {
    try {
      await this.db.transaction().execute(async (tx) => {
        const links: { monitor_id: string; tag_id: string }[] = []
        for (const ownerId of new Set(monitors.map((m) => m.owner_id))) {
          const tagIds = [...(await ensureTags(tx, ownerId, tags, now)).values()].map((t) => t.id)
          for (const m of monitors) {
            if (m.owner_id === ownerId) for (const tagId of tagIds) links.push({ monitor_id: m.id, tag_id: tagId })
          }
        }
        if (links.length === 0) return
        await tx
          .insertInto('monitor_tags')
          .values(links)
          .onConflict((oc) => oc.columns(['monitor_id', 'tag_id']).doNothing())
          .execute()
        const over = await tx
          .selectFrom('monitor_tags')
          .select('monitor_id')
          .where(
            'monitor_id',
            'in',
            monitors.map((m) => m.id),
          )
          .groupBy('monitor_id')
          .having((eb) => eb.fn.countAll(), '>', max)
          .execute()
        // Throwing rolls the whole transaction back.
        if (over.length > 0) throw new TooManyTags(over.map((o) => o.monitor_id))
      })
      return []
    } catch (err) {
      if (err instanceof TooManyTags) return err.monitorIds
      throw err
    }
  }

  /** Removes tags (by label) from monitors; tags themselves stay. */
  async removeTags(monitorIds: readonly string[], tags: readonly TagKey[]): Promise<void> {
    if (monitorIds.length === 0 || tags.length === 0) return
    await this.db
      .deleteFrom('monitor_tags')
      .where('monitor_id', 'in', [...monitorIds])
      .where('tag_id', 'in', (eb) =>
        eb
          .selectFrom('tags')
          .select('tags.id')
          .where((w) => w.or(tags.map((t) => w.and([w('tags.key', '=', t.key), w('tags.value', '=', t.value)])))),
      )
      .execute()
  }
}

class TooManyTags extends Error {
  constructor(readonly monitorIds: string[]) {
    super('too many tags')
  }
}

const tagMapKey = (t: TagKey) => `${t.key}\u0000${t.value}`

/** Creates the owner's missing tags (concurrent creators meet on the unique index) and returns all, by label. */
async function ensureTags(
  db: Kysely<DB> | Transaction<DB>,
  ownerId: string,
  tags: readonly (TagKey & { id?: string; color?: string | null })[],
  now: number,
): Promise<Map<string, TagRow>> {
  const out = new Map<string, TagRow>()
  if (tags.length === 0) return out
  await db
    .insertInto('tags')
    .values(
      tags.map((t) => ({
        id: t.id ?? newId(now),
        owner_id: ownerId,
        key: t.key,
        value: t.value,
        color: t.color ?? null,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['owner_id', 'key', 'value']).doNothing())
    .execute()
  const rows = await db
    .selectFrom('tags')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where((w) => w.or(tags.map((t) => w.and([w('key', '=', t.key), w('value', '=', t.value)]))))
    .execute()
  for (const r of rows) out.set(tagMapKey(r), r)
  return out
}
