import type { Kysely, Selectable } from 'kysely'
import type { RequestContext } from '../../core/context.js'
import type { DB } from '../schema.js'
import { visibleTo } from '../scope.js'

export type AlertChannelRow = Selectable<DB['alert_channels']>
export type AlertRuleRow = Selectable<DB['alert_rules']>
export type AlertTemplateRow = Selectable<DB['alert_templates']>
export type AlertRuleWithChannels = AlertRuleRow & {
  channel_ids: string[]
  /** Tag rules from `rulesForMonitors`: the asked monitors (of the rule's owner) carrying all its tags. */
  tag_matches?: readonly string[]
}

/** Channels, rules (with their channels) and custom matrix templates. */
export class AlertConfigRepository {
  constructor(private db: Kysely<DB>) {}

  // ── channels ────────────────────────────────────────────────────────────────────────────────
  listChannels(ctx: RequestContext): Promise<AlertChannelRow[]> {
    return this.db
      .selectFrom('alert_channels')
      .selectAll()
      .where(visibleTo<'alert_channels'>(ctx))
      .orderBy('name')
      .orderBy('id')
      .execute()
  }

  findChannelVisible(ctx: RequestContext, id: string): Promise<AlertChannelRow | undefined> {
    return this.db
      .selectFrom('alert_channels')
      .selectAll()
      .where('id', '=', id)
      .where(visibleTo<'alert_channels'>(ctx))
      .executeTakeFirst()
  }

  findChannel(id: string): Promise<AlertChannelRow | undefined> {
    return this.db.selectFrom('alert_channels').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** The subset of `ids` the caller may see (unknown and foreign ids are simply absent). */
  async visibleChannelIds(ctx: RequestContext, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set()
    const rows = await this.db
      .selectFrom('alert_channels')
      .select('id')
      .where('id', 'in', [...ids])
      .where(visibleTo<'alert_channels'>(ctx))
      .execute()
    return new Set(rows.map((r) => r.id))
  }

  channelsByIds(ids: readonly string[]): Promise<AlertChannelRow[]> {
    if (ids.length === 0) return Promise.resolve([])
    return this.db
      .selectFrom('alert_channels')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute()
  }

  async insertChannel(row: AlertChannelRow): Promise<void> {
    await this.db.insertInto('alert_channels').values(row).execute()
  }

  async updateChannel(id: string, patch: Partial<Omit<AlertChannelRow, 'id' | 'owner_id' | 'created_at'>>) {
    await this.db.updateTable('alert_channels').set(patch).where('id', '=', id).execute()
  }

  async deleteChannel(id: string): Promise<void> {
    await this.db.deleteFrom('alert_channels').where('id', '=', id).execute()
  }

  // ── rules ───────────────────────────────────────────────────────────────────────────────────
  private async withChannels(rows: AlertRuleRow[]): Promise<AlertRuleWithChannels[]> {
    if (rows.length === 0) return []
    const links = await this.db
      .selectFrom('alert_rule_channels')
      .select(['rule_id', 'channel_id'])
      .where(
        'rule_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('channel_id')
      .execute()
    const by = new Map<string, string[]>()
    for (const l of links) by.set(l.rule_id, [...(by.get(l.rule_id) ?? []), l.channel_id])
    return rows.map((r) => ({ ...r, channel_ids: by.get(r.id) ?? [] }))
  }

  async listRules(ctx: RequestContext, filter: { monitorId?: string | undefined } = {}) {
    let q = this.db.selectFrom('alert_rules').selectAll().where(visibleTo<'alert_rules'>(ctx))
    if (filter.monitorId !== undefined) q = q.where('monitor_id', '=', filter.monitorId)
    return this.withChannels(await q.orderBy('created_at').orderBy('id').execute())
  }

  async findRuleVisible(ctx: RequestContext, id: string): Promise<AlertRuleWithChannels | undefined> {
    const row = await this.db
      .selectFrom('alert_rules')
      .selectAll()
      .where('id', '=', id)
      .where(visibleTo<'alert_rules'>(ctx))
      .executeTakeFirst()
    return row ? (await this.withChannels([row]))[0] : undefined
  }

  async rulesByIds(ids: readonly string[]): Promise<AlertRuleWithChannels[]> {
    if (ids.length === 0) return []
    return this.withChannels(
      await this.db
        .selectFrom('alert_rules')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute(),
    )
  }

  /**
   * Enabled rules that can apply to these monitors: targeted at one of them, at the group one is
   * in now, at all of an owner's monitors, or at tags (each tag rule says which of the monitors,
   * of its own owner, carry all its tags, in `tag_matches`).
   */
  async rulesForMonitors(monitors: readonly { id: string; owner_id: string }[]): Promise<AlertRuleWithChannels[]> {
    if (monitors.length === 0) return []
    const ids = [...new Set(monitors.map((m) => m.id))]
    const owners = [...new Set(monitors.map((m) => m.owner_id))]
    const rows = await this.db
      .selectFrom('alert_rules')
      .selectAll()
      .where('enabled', '=', 1)
      .where((eb) =>
        eb.or([
          eb.and([eb('target_kind', '=', 'monitor'), eb('monitor_id', 'in', ids)]),
          eb.and([
            eb('target_kind', '=', 'group'),
            eb('group_id', 'in', eb.selectFrom('monitors').select('group_id').where('id', 'in', ids)),
          ]),
          eb.and([eb('target_kind', 'in', ['all', 'tag']), eb('owner_id', 'in', owners)]),
        ]),
      )
      .orderBy('id')
      .execute()
    const withChannels = await this.withChannels(rows)
    if (!withChannels.some((r) => r.target_kind === 'tag')) return withChannels
    const labels = await this.db
      .selectFrom('monitor_tags')
      .innerJoin('tags', 'tags.id', 'monitor_tags.tag_id')
      .innerJoin('monitors', 'monitors.id', 'monitor_tags.monitor_id')
      .select(['monitor_tags.monitor_id', 'monitors.owner_id', 'tags.key', 'tags.value'])
      .where('monitor_tags.monitor_id', 'in', ids)
      .execute()
    const byMonitor = new Map<string, { owner: string; labels: Set<string> }>()
    for (const l of labels) {
      const entry = byMonitor.get(l.monitor_id) ?? { owner: l.owner_id, labels: new Set<string>() }
      entry.labels.add(l.value === '' ? l.key : `${l.key}:${l.value}`)
      byMonitor.set(l.monitor_id, entry)
    }
    return withChannels.map((r) => {
      if (r.target_kind !== 'tag') return r
      const wanted = JSON.parse(r.tag_selector ?? '[]') as string[]
      const tag_matches = [...byMonitor]
        .filter(([, m]) => m.owner === r.owner_id && wanted.length > 0 && wanted.every((w) => m.labels.has(w)))
        .map(([id]) => id)
      return { ...r, tag_matches }
    })
  }

  async rulesForProbes(): Promise<AlertRuleWithChannels[]> {
    return this.withChannels(
      await this.db
        .selectFrom('alert_rules')
        .selectAll()
        .where('enabled', '=', 1)
        .where('target_kind', '=', 'probes')
        .orderBy('id')
        .execute(),
    )
  }

  /** Inserts or replaces a rule and its channel links in one transaction. */
  async saveRule(row: AlertRuleRow, channelIds: readonly string[], isNew: boolean): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (isNew) await tx.insertInto('alert_rules').values(row).execute()
      else {
        const { id, owner_id: _o, created_at: _c, ...patch } = row
        await tx.updateTable('alert_rules').set(patch).where('id', '=', id).execute()
      }
      await tx.deleteFrom('alert_rule_channels').where('rule_id', '=', row.id).execute()
      if (channelIds.length > 0)
        await tx
          .insertInto('alert_rule_channels')
          .values([...new Set(channelIds)].map((channel_id) => ({ rule_id: row.id, channel_id })))
          .execute()
    })
  }

  async deleteRules(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return
    await this.db
      .deleteFrom('alert_rules')
      .where('id', 'in', [...ids])
      .execute()
  }

  // ── templates ───────────────────────────────────────────────────────────────────────────────
  listTemplates(checkType?: string): Promise<AlertTemplateRow[]> {
    let q = this.db.selectFrom('alert_templates').selectAll()
    if (checkType !== undefined) q = q.where('check_type', '=', checkType)
    return q.orderBy('name').orderBy('id').execute()
  }

  findTemplate(id: string): Promise<AlertTemplateRow | undefined> {
    return this.db.selectFrom('alert_templates').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async insertTemplate(row: AlertTemplateRow): Promise<void> {
    await this.db.insertInto('alert_templates').values(row).execute()
  }

  async updateTemplate(id: string, patch: Partial<Omit<AlertTemplateRow, 'id' | 'owner_id' | 'created_at'>>) {
    await this.db.updateTable('alert_templates').set(patch).where('id', '=', id).execute()
  }

  async deleteTemplate(id: string): Promise<void> {
    await this.db.deleteFrom('alert_templates').where('id', '=', id).execute()
  }
}
