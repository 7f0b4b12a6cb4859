import { iso, type PingDto, type RunDto } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import type { MonitorRow, PingRow, RunRow } from '../../storage/repositories/index.js'
import { scheduleOfMonitor } from './heartbeats.service.js'
import { nextExpected } from './schedule.js'

/** What the API shows of heartbeats: the monitor's extra fields, its pings and its runs. */

export interface HeartbeatFields {
  ping_url: string
  next_expected_at: string | null
  last_ping_at: string | null
}

/** The heartbeat fields of the monitor output, for the heartbeat monitors among `rows`. */
export async function heartbeatFields(deps: Deps, rows: readonly MonitorRow[]): Promise<Map<string, HeartbeatFields>> {
  const ids = rows.filter((r) => r.check_type === 'heartbeat').map((r) => r.id)
  const hbs = new Map((await deps.repos.heartbeats.findMany(ids)).map((h) => [h.monitor_id, h]))
  const base = (deps.config.PUBLIC_URL ?? '').replace(/\/+$/, '')
  const out = new Map<string, HeartbeatFields>()
  for (const m of rows) {
    const hb = hbs.get(m.id)
    if (!hb) continue
    const expected =
      hb.state === 'new' || hb.anchor_at === null ? null : nextExpected(scheduleOfMonitor(m), hb.anchor_at)
    out.set(m.id, {
      ping_url: `${base}/api/v1/ping/${hb.slug}`,
      next_expected_at: m.enabled === 1 ? iso(expected) : null,
      last_ping_at: iso(hb.last_ping_at),
    })
  }
  return out
}

async function visibleHeartbeat(deps: Deps, ctx: RequestContext, id: string): Promise<MonitorRow> {
  const m = await deps.repos.monitors.findVisible(ctx, id)
  if (!m) throw notFound('monitor')
  if (m.check_type !== 'heartbeat') throw new AppError('VALIDATION_FAILED', 'not a heartbeat monitor')
  return m
}

const PING_KIND_NAMES = new Set(['success', 'fail', 'start', 'log'])

export function toPingOut(p: PingRow): PingDto {
  return {
    id: String(p.id),
    at: iso(p.at),
    kind: (PING_KIND_NAMES.has(p.kind) ? p.kind : 'log') as PingDto['kind'],
    exit_status: p.exit_status,
    rid: p.rid,
    method: p.method,
    user_agent: p.user_agent,
    source_ip: p.source_ip,
    body: p.body,
    body_size: p.body_size,
    body_truncated: p.body_truncated === 1,
    duration_ms: p.duration_ms,
  }
}

export function toRunOut(r: RunRow): RunDto {
  return {
    id: r.id,
    rid: r.rid,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    duration_ms: r.duration_ms,
    outcome: r.outcome as RunDto['outcome'],
    late: r.late === 1,
  }
}

export async function listPings(deps: Deps, ctx: RequestContext, id: string, limit: number): Promise<PingDto[]> {
  await visibleHeartbeat(deps, ctx, id)
  return (await deps.repos.heartbeats.listPings(id, limit)).map(toPingOut)
}

export async function listRuns(deps: Deps, ctx: RequestContext, id: string, limit: number): Promise<RunDto[]> {
  await visibleHeartbeat(deps, ctx, id)
  return (await deps.repos.heartbeats.listRuns(id, limit)).map(toRunOut)
}
