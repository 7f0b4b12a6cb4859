import {
  COMMON_MONITOR_KEYS,
  type IncidentDto,
  iso,
  type Monitor,
  type MonitorConfig,
  MonitorCreate,
  type MonitorCreateInput,
  type MonitorUpdateInput,
  type ResultDto,
} from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { IncidentRow, MonitorWithState, ResultRow } from '../../storage/repositories/index.js'
import { authorize } from '../policy/policy.js'
import { serverMonitorFields, syncServerMonitor } from '../server-monitors/index.js'
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
  const config = MonitorCreate.parse(input)
  const issues = kindRuleIssues(config)
  if (issues.length > 0) throw validationError(issues)
  const now = deps.clock.now()
  const id = newId(now)
  const { sealed } = sealSecrets(config, id, monitorSecretKey(deps.config), null)
  await deps.repos.monitors.insert({
    id,
    owner_id: ctx.userId,
    team_id: null,
    ...toRowFields(sealed as MonitorConfig),
    created_at: now,
    updated_at: now,
  })
  await syncServerMonitor(deps, id, null)
  deps.events.emit('MonitorCreated', { monitorId: id, ownerId: ctx.userId })
  return getMonitor(deps, ctx, id)
}

export async function getMonitor(deps: Deps, ctx: RequestContext, id: string): Promise<Monitor> {
  return (await withServerFields(deps, [await loadVisible(deps, ctx, id)]))[0] as Monitor
}

/** Monitor outputs, with the fields server-side kinds add (a heartbeat's ping URL and next ping). */
async function withServerFields(deps: Deps, rows: MonitorWithState[]): Promise<Monitor[]> {
  const extra = await serverMonitorFields(deps, rows)
  return rows.map((r) => Object.assign(toMonitorOut(r), extra.get(r.id)))
}

export async function listMonitors(
  deps: Deps,
  ctx: RequestContext,
  q: { limit: number; offset: number; enabled?: boolean | undefined; q?: string | undefined },
): Promise<{ items: Monitor[]; total: number }> {
  const { rows, total } = await deps.repos.monitors.list(ctx, q)
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
  const stored = toConfig(current) as Record<string, unknown>
  const kindChanged = patch.check_type !== undefined && patch.check_type !== stored.check_type
  const base = kindChanged ? Object.fromEntries(COMMON_MONITOR_KEYS.map((k) => [k, stored[k]])) : stored
  const merged = MonitorCreate.safeParse({ ...base, ...patch })
  if (!merged.success) {
    throw validationError(bodyIssues(merged.error.issues))
  }
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
  await deps.repos.monitors.update(id, { ...toRowFields(sealed as MonitorConfig), updated_at: now })
  if (current.enabled !== 1 && merged.data.enabled) await onResumed(deps, id, now)
  await syncServerMonitor(deps, id, current)
  deps.events.emit('MonitorUpdated', { monitorId: id, ownerId: current.owner_id })
  return getMonitor(deps, ctx, id)
}

export function setEnabled(deps: Deps, ctx: RequestContext, id: string, enabled: boolean): Promise<Monitor> {
  return updateMonitor(deps, ctx, id, { enabled })
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
  await deps.repos.monitors.delete(id)
  deps.events.emit('MonitorDeleted', { monitorId: id, ownerId: current.owner_id })
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
