import {
  COMMON_MONITOR_KEYS,
  type IncidentDto,
  iso,
  type Monitor,
  type MonitorConfig,
  MonitorCreate,
  type MonitorCreateInput,
  type MonitorListFilters,
  type MonitorUpdateInput,
  type ResultDto,
} from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { IncidentRow, MonitorRow, MonitorWithState, ResultRow } from '../../storage/repositories/index.js'
import { reevaluateGroupParents } from '../composite/index.js'
import { authorize } from '../policy/policy.js'
import { serverMonitorFields, syncServerMonitor } from '../server-monitors/index.js'
import { announceGroups, announceTags, checkGroupFor, existingTags, storedTags, tagDiff } from './membership.js'
import { storedConfig, toConfig, toMonitorOut, toRowFields } from './monitors.mapper.js'
import { bodyIssues, kindRuleIssues, secretScope, validationError } from './monitors.rules.js'
import { monitorSecretKey, sealSecrets } from './monitors.secrets.js'

async function loadVisible(deps: Deps, ctx: RequestContext, id: string): Promise<MonitorWithState> {
  const m = await deps.repos.monitors.findVisible(ctx, id)
  // Not visible and not existing look the same: no existence leak across tenants.
  if (!m) throw notFound('monitor')
  return m
}

export async function createMonitor(deps: Deps, ctx: RequestContext, input: MonitorCreateInput): Promise<Monitor> {
  authorize(ctx, 'monitor:create')
  const { group_id: groupId = null, tags, ...config } = MonitorCreate.parse(input)
  const issues = kindRuleIssues(config as MonitorConfig)
  if (issues.length > 0) throw validationError(issues)
  const now = deps.clock.now()
  const id = newId(now)
  await checkGroupFor(deps, ctx, { id, owner_id: ctx.userId, team_id: null, check_type: config.check_type }, groupId)
  const { sealed } = sealSecrets(config as MonitorConfig, id, monitorSecretKey(deps.config), null)
  await deps.repos.monitors.insert({
    id,
    owner_id: ctx.userId,
    team_id: null,
    group_id: groupId,
    ...toRowFields(sealed as MonitorConfig),
    created_at: now,
    updated_at: now,
  })
  const tagKeys = storedTags(tags ?? [])
  const existed = await existingTags(deps, ctx.userId, tagKeys)
  if (tagKeys.length > 0) await deps.repos.groups.setMonitorTags(id, ctx.userId, tagKeys, now)
  await syncServerMonitor(deps, id, null)
  deps.events.emit('MonitorCreated', { monitorId: id, ownerId: ctx.userId })
  await announceGroups(deps, [groupId])
  await announceTags(deps, ctx.userId, tagKeys, existed)
  return getMonitor(deps, ctx, id)
}

export async function getMonitor(deps: Deps, ctx: RequestContext, id: string): Promise<Monitor> {
  return (await withServerFields(deps, [await loadVisible(deps, ctx, id)]))[0] as Monitor
}

/**
 * Monitor outputs, with their tags (one query for all rows) and the fields server-side kinds add
 * (a heartbeat's ping URL and next ping).
 */
async function withServerFields(deps: Deps, rows: MonitorWithState[]): Promise<Monitor[]> {
  const [extra, tags] = await Promise.all([
    serverMonitorFields(deps, rows),
    deps.repos.groups.labelsFor(rows.map((r) => r.id)),
  ])
  return rows.map((r) => Object.assign(toMonitorOut(r, tags.get(r.id)), extra.get(r.id)))
}

/** One page of visible monitors matching the filters (all server-side), and the total. */
export async function listMonitors(
  deps: Deps,
  ctx: RequestContext,
  q: Omit<MonitorListFilters, 'limit' | 'offset'> & { limit: number; offset: number },
): Promise<{ items: Monitor[]; total: number }> {
  const { rows, total } = await deps.repos.monitors.list(ctx, {
    limit: q.limit,
    offset: q.offset,
    enabled: q.enabled,
    q: q.q,
    status: q.status,
    kind: q.kind,
    groupId: q.group_id,
    tags: q.tag && storedTags(q.tag),
  })
  return { items: await withServerFields(deps, rows), total }
}

/**
 * Partial update: the stored config and the patch are merged, then validated as a whole. Secrets
 * read as "" (masked), so a secret sent as "" or not sent keeps the stored one, unless the kind
 * changes (the old kind's settings, secrets included, are dropped) or the target moves to another
 * host (a kept secret would then be sent somewhere its owner never typed it for).
 */
export async function updateMonitor(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  patch: MonitorUpdateInput,
): Promise<Monitor> {
  const current = await loadVisible(deps, ctx, id)
  authorize(ctx, 'monitor:update', current)
  const {
    group_id: groupPatch,
    tags,
    ...configPatch
  } = patch as MonitorUpdateInput & {
    group_id?: string | null
    tags?: string[]
  }
  const stored = toConfig(current) as Record<string, unknown>
  const kindChanged = patch.check_type !== undefined && patch.check_type !== stored.check_type
  const base = kindChanged ? Object.fromEntries(COMMON_MONITOR_KEYS.map((k) => [k, stored[k]])) : stored
  const parsed = MonitorCreate.safeParse({ ...base, ...configPatch })
  if (!parsed.success) {
    throw validationError(bodyIssues(parsed.error.issues))
  }
  const { group_id: _g, tags: _t, ...config } = parsed.data
  const merged = { data: config as MonitorConfig }
  const groupId = groupPatch === undefined ? current.group_id : groupPatch
  if (groupId !== current.group_id) await checkGroupFor(deps, ctx, { ...current, ...merged.data }, groupId)
  const issues = kindRuleIssues(merged.data)
  if (issues.length > 0) throw validationError(issues)
  const raw = storedConfig(current)
  const { sealed, keptPaths } = sealSecrets(merged.data, id, monitorSecretKey(deps.config), kindChanged ? null : raw)
  if (keptPaths.length > 0 && secretScope(merged.data) !== secretScope(raw as MonitorConfig)) {
    throw validationError(
      keptPaths.map((p) => ({
        path: `body.${p}`,
        message: 'enter this secret again: the target moved, and a stored secret is never sent to a new host',
      })),
    )
  }
  const now = deps.clock.now()
  const tagKeys = tags === undefined ? null : storedTags(tags)
  const tagsBefore = tagKeys ? storedTags((await deps.repos.groups.labelsFor([id])).get(id) ?? []) : []
  const retagged = tagKeys ? tagDiff(tagsBefore, tagKeys) : []
  const existed = await existingTags(deps, current.owner_id, retagged)
  await deps.repos.monitors.update(id, { ...toRowFields(sealed as MonitorConfig), group_id: groupId, updated_at: now })
  if (tagKeys) await deps.repos.groups.setMonitorTags(id, current.owner_id, tagKeys, now)
  if (current.enabled !== 1 && merged.data.enabled) await onResumed(deps, id, now)
  await syncServerMonitor(deps, id, current)
  deps.events.emit('MonitorUpdated', { monitorId: id, ownerId: current.owner_id })
  if (groupId !== current.group_id) await announceGroups(deps, [current.group_id, groupId])
  await announceTags(deps, current.owner_id, retagged, existed)
  // Composites containing the group it left follow (those of its new group follow MonitorUpdated).
  if (current.group_id !== null && current.group_id !== groupId) await reevaluateGroupParents(deps, [current.group_id])
  return getMonitor(deps, ctx, id)
}

/** Pause or resume one monitor: the single-item form of {@link applyEnabled}. */
export async function setEnabled(deps: Deps, ctx: RequestContext, id: string, enabled: boolean): Promise<Monitor> {
  const current = await loadVisible(deps, ctx, id)
  authorize(ctx, 'monitor:update', current)
  await applyEnabled(deps, [current], enabled)
  return getMonitor(deps, ctx, id)
}

/**
 * Pauses or resumes monitors the caller was authorised to change, in one statement, then runs
 * each changed monitor's side effects: a resumed monitor starts again from unknown, server-side
 * kinds re-sync (heartbeat timers, composite evaluation), probes and browsers hear MonitorUpdated.
 */
export async function applyEnabled(deps: Deps, rows: readonly MonitorRow[], enabled: boolean): Promise<void> {
  const changed = rows.filter((r) => (r.enabled === 1) !== enabled)
  if (changed.length === 0) return
  const now = deps.clock.now()
  await deps.repos.monitors.setEnabledMany(
    changed.map((r) => r.id),
    enabled,
    now,
  )
  for (const r of changed) {
    if (enabled) await onResumed(deps, r.id, now)
    await syncServerMonitor(deps, r.id, r)
    deps.events.emit('MonitorUpdated', { monitorId: r.id, ownerId: r.owner_id })
  }
}

/** After a pause, old per-probe states are stale: the monitor starts again from unknown. */
async function onResumed(deps: Deps, id: string, now: number): Promise<void> {
  await deps.repos.state.clearProbeStates(id)
  await deps.repos.state.putMonitorState({
    monitor_id: id,
    status: 'unknown',
    status_since: now,
    last_checked_at: null,
    last_latency_ms: null,
    flapping: 0,
    scope: null,
  })
}

export async function deleteMonitor(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const current = await loadVisible(deps, ctx, id)
  authorize(ctx, 'monitor:delete', current)
  await removeMonitors(deps, [current])
}

/**
 * Deletes monitors the caller was authorised to delete, in one statement; each one's deletion is
 * then announced (probes drop it, composites forget it), and composites that held it through its
 * group are re-evaluated without it.
 */
export async function removeMonitors(deps: Deps, rows: readonly MonitorRow[]): Promise<void> {
  if (rows.length === 0) return
  const labels = await deps.repos.groups.labelsFor(rows.map((r) => r.id))
  await deps.repos.monitors.deleteMany(rows.map((r) => r.id))
  for (const r of rows) deps.events.emit('MonitorDeleted', { monitorId: r.id, ownerId: r.owner_id })
  await announceGroups(
    deps,
    rows.map((r) => r.group_id),
  )
  for (const ownerId of new Set(rows.map((r) => r.owner_id))) {
    const theirs = rows.filter((r) => r.owner_id === ownerId).flatMap((r) => labels.get(r.id) ?? [])
    await announceTags(deps, ownerId, storedTags(theirs))
  }
  await reevaluateGroupParents(deps, [...new Set(rows.flatMap((r) => (r.group_id === null ? [] : [r.group_id])))])
}

const STATUS_NAMES = ['up', 'degraded', 'down'] as const

export function toResultOut(r: ResultRow): ResultDto {
  const d = r.detail ? (JSON.parse(r.detail) as Partial<Omit<ResultDto, 'id'>>) : {}
  return {
    id: String(r.id),
    monitor_id: r.monitor_id,
    probe_id: r.probe_id,
    checked_at: iso(r.checked_at),
    status: STATUS_NAMES[r.status] ?? 'down',
    response_time_ms: r.latency_ms,
    http_status: r.http_status,
    timings: d.timings ?? null,
    failure: d.failure ?? null,
    error_message: d.failure?.message ?? null,
    tls: d.tls ?? null,
    conditions: d.conditions ?? [],
    details: d.details ?? null,
    remote_address: d.remote_address ?? null,
    final_url: d.final_url ?? null,
    redirect_count: d.redirect_count ?? 0,
  }
}

export async function listResults(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  q: { limit: number; offset: number; since?: string | undefined },
): Promise<ResultDto[]> {
  await loadVisible(deps, ctx, id)
  const since = q.since === undefined ? undefined : Date.parse(q.since)
  const rows = await deps.repos.results.listForMonitor(id, { limit: q.limit, offset: q.offset, since })
  return rows.map(toResultOut)
}

export function toIncidentOut(i: IncidentRow): IncidentDto {
  return {
    id: i.id,
    monitor_id: i.monitor_id,
    status: i.resolved_at === null ? 'open' : 'resolved',
    cause: i.cause,
    first_failure_at: iso(i.first_failure_at),
    started_at: iso(i.started_at),
    resolved_at: iso(i.resolved_at),
    duration_seconds: i.resolved_at === null ? null : Math.round((i.resolved_at - i.started_at) / 1000),
    affected_probe_ids: JSON.parse(i.affected_probe_ids) as string[],
  }
}

export async function listIncidents(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  q: { limit: number; resolved?: boolean | undefined },
): Promise<IncidentDto[]> {
  await loadVisible(deps, ctx, id)
  return (await deps.repos.incidents.listForMonitor(id, q)).map(toIncidentOut)
}
