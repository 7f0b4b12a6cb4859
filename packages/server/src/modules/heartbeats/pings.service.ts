import { iso } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { HeartbeatRow } from '../../storage/repositories/index.js'
import { evaluateServerMonitor, type ServerVerdict } from '../incidents/index.js'
import { heartbeatLock, rearm, scheduleOfMonitor } from './heartbeats.service.js'

/** What a ping URL says: /{slug} (success), /start, /fail, /log, or /{exit-status} (0 = success). */
export type PingSignal = 'success' | 'start' | 'fail' | 'log' | { exit: number }

export interface PingRequest {
  method: string
  userAgent: string | null
  sourceIp: string | null
  body: Buffer | null
  /** Pairs a start with its finish, so concurrent runs get their own durations. */
  rid: string | null
}

/** Stored body size; a longer body is cut here and flagged. */
export const PING_BODY_LIMIT = 10_000
/** Pings per minute, per ping URL and per source address. */
export const PING_LIMIT_PER_SLUG = 120
export const PING_LIMIT_PER_IP = 600
/** A start older than this is not paired with a finish (no duration, like a finish without start). */
const MAX_RUN_MS = 72 * 3_600_000

const SLUG = /^[A-Za-z0-9_-]{16,64}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Unknown, paused and malformed ping URLs answer exactly alike, so slugs cannot be enumerated. */
const unknownPing = () => new AppError('NOT_FOUND', 'no such ping URL')

/** Parses the last path segment: start | fail | log | an exit status 0–255. */
export function parseSignal(segment: string | undefined): PingSignal | null {
  if (segment === undefined) return 'success'
  if (segment === 'start' || segment === 'fail' || segment === 'log') return segment
  if (/^\d{1,3}$/.test(segment) && Number(segment) <= 255) return { exit: Number(segment) }
  return null
}

async function limit(deps: Deps, key: string, max: number): Promise<void> {
  const retry = await deps.limiter.hit(key, max, 60_000)
  if (retry > 0) throw new AppError('RATE_LIMITED', 'too many pings', { retryAfterSeconds: retry })
}

function bodyOf(body: Buffer | null): { body: string | null; body_size: number; body_truncated: number } {
  if (!body || body.length === 0) return { body: null, body_size: 0, body_truncated: 0 }
  const cut = body.length > PING_BODY_LIMIT
  return {
    body: new TextDecoder('utf-8').decode(cut ? body.subarray(0, PING_BODY_LIMIT) : body),
    body_size: body.length,
    body_truncated: cut ? 1 : 0,
  }
}

/** The first line of the body, short: enough to say why a job failed in the incident. */
function firstLine(text: string | null): string {
  const line = text?.split('\n').find((l) => l.trim() !== '')
  return line ? `: ${line.trim().slice(0, 200)}` : ''
}

/**
 * Records a ping and applies it: a success or a failure ends the run it pairs with (same `rid`, or
 * the latest start without one) and sets the monitor up or down; a start opens a run that must
 * finish within grace; a log changes nothing. Public: rate-limited per source address and per URL.
 */
export async function recordPing(
  deps: Deps,
  slug: string,
  segment: string | undefined,
  req: PingRequest,
): Promise<{ ok: true; received_at: string }> {
  await limit(deps, `ping-ip:${req.sourceIp ?? '-'}`, PING_LIMIT_PER_IP)
  await limit(deps, `ping-slug:${slug.slice(0, 64)}`, PING_LIMIT_PER_SLUG)
  const signal = parseSignal(segment)
  if (!signal || !SLUG.test(slug)) throw unknownPing()
  if (req.rid !== null && !UUID.test(req.rid)) {
    throw new AppError('VALIDATION_FAILED', 'query.rid: expected a UUID', {
      issues: [{ path: 'query.rid', message: 'expected a UUID' }],
    })
  }
  const found = await deps.repos.heartbeats.findBySlug(slug)
  if (found?.enabled !== 1 || found.check_type !== 'heartbeat') throw unknownPing()
  const id = found.monitor_id
  const now = deps.clock.now()
  // The state change is evaluated under the heartbeat's lock: two pings in a row end in the right order.
  await deps.monitorLocks.run(heartbeatLock(id), async () => {
    const monitor = (await deps.repos.monitors.findManyByIds([id]))[0]
    const hb = await deps.repos.heartbeats.find(id)
    if (!monitor || !hb || monitor.enabled !== 1) throw unknownPing()
    const kind = typeof signal === 'object' ? (signal.exit === 0 ? 'success' : 'fail') : signal
    const body = bodyOf(req.body)
    const pingId = await deps.repos.heartbeats.insertPing({
      monitor_id: id,
      at: now,
      kind,
      exit_status: typeof signal === 'object' ? signal.exit : null,
      rid: req.rid,
      method: req.method,
      user_agent: req.userAgent?.slice(0, 500) ?? null,
      source_ip: req.sourceIp,
      ...body,
      duration_ms: null,
    })
    const grace = scheduleOfMonitor(monitor).grace_seconds * 1000
    const unfinished = await deps.repos.heartbeats.unfinishedRuns(id)
    let next: Pick<HeartbeatRow, 'state' | 'anchor_at'> = hb
    let verdict: ServerVerdict | null = null
    if (kind === 'start') {
      // A new start without a run id (or with the same one) replaces the previous run.
      for (const r of unfinished.filter((u) => u.outcome === 'running' && u.rid === req.rid)) {
        await deps.repos.heartbeats.updateRun(r.id, { outcome: 'superseded' })
      }
      await deps.repos.heartbeats.insertRun({
        id: newId(now),
        monitor_id: id,
        rid: req.rid,
        started_at: now,
        deadline_at: now + grace,
        finished_at: null,
        duration_ms: null,
        outcome: 'running',
        late: 0,
      })
    } else if (kind === 'success' || kind === 'fail') {
      const run = unfinished.find((r) => r.rid === req.rid && now - r.started_at <= MAX_RUN_MS)
      if (run) {
        const duration = now - run.started_at
        await deps.repos.heartbeats.updateRun(run.id, {
          finished_at: now,
          duration_ms: duration,
          outcome: kind,
          late: run.outcome === 'timeout' ? 1 : 0,
        })
        await deps.repos.heartbeats.setPingDuration(pingId, duration)
      }
      const cause =
        kind === 'success'
          ? null
          : `${typeof signal === 'object' ? `exit status ${signal.exit}` : 'failure signal received'}${firstLine(body.body)}`
      next = { state: kind === 'success' ? 'up' : 'down', anchor_at: now }
      await deps.repos.heartbeats.update(id, { ...next, cause, last_ping_at: now })
      verdict = { status: kind === 'success' ? 'up' : 'down', at: now, cause }
    }
    await rearm(deps, monitor, next)
    if (verdict) await evaluateServerMonitor(deps, monitor, verdict)
  })
  return { ok: true, received_at: iso(now) }
}
