import { type CheckStatus, iso, type ManualStateDto } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { ManualStateRow, MonitorRow } from '../../storage/repositories/index.js'
import { evaluateServerMonitor } from '../incidents/index.js'
import { authorize } from '../policy/policy.js'

function toOut(r: ManualStateRow): ManualStateDto {
  return { id: r.id, status: r.status as CheckStatus, note: r.note, author: r.author_name, at: iso(r.at) }
}

const causeOf = (r: Pick<ManualStateRow, 'status' | 'note' | 'author_name'>) =>
  `set ${r.status} by ${r.author_name}${r.note ? `: ${r.note}` : ''}`

async function load(deps: Deps, ctx: RequestContext, id: string): Promise<MonitorRow> {
  const m = await deps.repos.monitors.findVisible(ctx, id)
  if (!m) throw notFound('monitor')
  if (m.check_type !== 'manual') throw new AppError('VALIDATION_FAILED', 'not a manual monitor')
  return m
}

/**
 * A person sets a manual monitor's state (for what no probe can see). Only someone who may edit
 * the monitor; recorded with the note and the author, then fed to the incident pipeline.
 */
export async function setManualState(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { status: CheckStatus; note: string },
): Promise<ManualStateDto> {
  const m = await load(deps, ctx, id)
  authorize(ctx, 'monitor:update', m)
  if (m.enabled !== 1) throw new AppError('CONFLICT', 'the monitor is paused: resume it first')
  const now = deps.clock.now()
  const user = await deps.repos.users.findById(ctx.userId)
  const row: ManualStateRow = {
    id: newId(now),
    monitor_id: id,
    status: body.status,
    note: body.note,
    author_id: ctx.userId,
    author_name: user?.username ?? ctx.userId,
    at: now,
  }
  await deps.repos.manualStates.insert(row)
  await evaluateServerMonitor(deps, m, { status: body.status, at: now, cause: causeOf(row) })
  return toOut(row)
}

export async function listManualStates(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  limit: number,
): Promise<ManualStateDto[]> {
  await load(deps, ctx, id)
  return (await deps.repos.manualStates.list(id, limit)).map(toOut)
}

/** A resumed manual monitor takes back the last state a person set (pausing does not forget it). */
export async function syncManual(deps: Deps, m: MonitorRow, before: MonitorRow | null): Promise<void> {
  if (m.check_type !== 'manual' || m.enabled !== 1 || !before || before.enabled === 1) return
  const last = await deps.repos.manualStates.latest(m.id)
  if (last) {
    await evaluateServerMonitor(deps, m, {
      status: last.status as CheckStatus,
      at: deps.clock.now(),
      cause: causeOf(last),
    })
  }
}
