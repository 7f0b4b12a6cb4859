import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { mailThroughChannel } from '../alerting/index.js'
import { getReport } from '../analytics/index.js'
import { authorize } from '../policy/policy.js'
import { lastCompletePeriod, type Period, type ReportSchedule } from './period.js'
import { renderGroupReport } from './render.js'
import { ReportsRepository, type ScheduleRow } from './reports.repository.js'
import type { ReportScheduleInput, ReportScheduleOutDto } from './reports.schemas.js'

/** Attempts before a period's e-mail is given up (the next period is still sent). */
export const MAX_ATTEMPTS = 5
const LEASE_MS = 5 * 60_000

const repo = (deps: Deps) => new ReportsRepository(deps.database.db)
const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] })

async function visibleGroup(deps: Deps, ctx: RequestContext, id: string, action: 'group:read' | 'group:manage') {
  const g = await deps.repos.groups.findGroupVisible(ctx, id)
  if (!g) throw notFound('group')
  authorize(ctx, action, g)
  return g
}

async function toOut(deps: Deps, s: ScheduleRow): Promise<ReportScheduleOutDto> {
  const sends = (await repo(deps).sendsOf(s.group_id)).reverse().slice(0, 12)
  return {
    group_id: s.group_id,
    schedule: s.schedule as ReportSchedule,
    recipients: JSON.parse(s.recipients) as string[],
    timezone: s.timezone,
    channel_id: s.channel_id,
    enabled: s.enabled === 1,
    recent: sends.map((r) => ({
      from: iso(r.period_from),
      to: iso(r.period_to),
      status: r.status as 'pending' | 'sent' | 'failed',
      sent_at: r.sent_at === null ? null : iso(r.sent_at),
      last_error: r.last_error,
    })),
  }
}

export async function getReportSchedule(deps: Deps, ctx: RequestContext, groupId: string) {
  await visibleGroup(deps, ctx, groupId, 'group:read')
  const s = await repo(deps).findSchedule(groupId)
  if (!s) throw notFound('report schedule')
  return toOut(deps, s)
}

/** Sets the group's report schedule; the channel must be one of the caller's e-mail channels. */
export async function putReportSchedule(
  deps: Deps,
  ctx: RequestContext,
  groupId: string,
  b: ReportScheduleInput,
): Promise<ReportScheduleOutDto> {
  await visibleGroup(deps, ctx, groupId, 'group:manage')
  try {
    new Intl.DateTimeFormat('en', { timeZone: b.timezone })
  } catch {
    throw invalid('body.timezone', `unknown time zone ${b.timezone}`)
  }
  const visible = await deps.repos.alerts.visibleChannelIds(ctx, [b.channel_id])
  const ch = visible.has(b.channel_id) ? (await deps.repos.alerts.channelsByIds([b.channel_id]))[0] : undefined
  if (!ch) throw invalid('body.channel_id', 'unknown channel')
  if (ch.kind !== 'email') throw invalid('body.channel_id', 'an e-mail channel is needed')
  const now = deps.clock.now()
  const prev = await repo(deps).findSchedule(groupId)
  const row: ScheduleRow = {
    group_id: groupId,
    owner_id: ctx.userId,
    schedule: b.schedule,
    timezone: b.timezone,
    recipients: JSON.stringify([...new Set(b.recipients.map((r) => r.toLowerCase()))]),
    channel_id: b.channel_id,
    enabled: b.enabled ? 1 : 0,
    created_at: prev?.created_at ?? now,
    updated_at: now,
  }
  await repo(deps).putSchedule(row)
  return toOut(deps, row)
}

/** The report owner's request context: the report shows what they may see. */
async function ownerContext(deps: Deps, userId: string): Promise<RequestContext | null> {
  const u = await deps.repos.users.findById(userId)
  if (!u) return null
  return {
    userId: u.id,
    isSuperadmin: u.is_superadmin === 1,
    canCreateMonitors: u.can_create_monitors === 1,
    teams: [],
  }
}

/**
 * Sends every report whose period has ended and was not sent yet. The period is recorded (its
 * idempotency key) before the e-mail goes out and marked sent after; a crash in between leaves it
 * pending, retried after its lease. Periods that ended before the schedule existed are not sent.
 */
export async function runDueReports(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  let sent = 0
  for (const s of await repo(deps).enabledSchedules()) {
    const period = lastCompletePeriod(s.schedule as ReportSchedule, s.timezone, now)
    if (period.to <= s.created_at) continue
    const key = `${s.group_id}|${period.key}`
    await repo(deps).recordSend({
      key,
      group_id: s.group_id,
      period_from: period.from,
      period_to: period.to,
      status: 'pending',
      attempts: 0,
      lease_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    if (!(await repo(deps).claim(key, now, LEASE_MS))) continue
    if (await sendOne(deps, s, period, key)) sent++
  }
  return sent
}

async function sendOne(deps: Deps, s: ScheduleRow, period: Period, key: string): Promise<boolean> {
  const r = repo(deps)
  const attempts = ((await r.findSend(key))?.attempts ?? 0) + 1
  try {
    const ctx = await ownerContext(deps, s.owner_id)
    const group = ctx ? await deps.repos.groups.findGroupVisible(ctx, s.group_id) : undefined
    const ch = (await deps.repos.alerts.channelsByIds([s.channel_id]))[0]
    if (!ctx || !group || !ch) throw new Error('the group, its owner or the e-mail channel is gone')
    const members = await deps.repos.groups.groupMemberIds([s.group_id])
    const q = { from: iso(period.from), to: iso(period.to) }
    const reports = []
    for (const m of members) {
      // Members the owner can no longer see are left out, not an error.
      if (await deps.repos.monitors.findVisible(ctx, m.id)) reports.push(await getReport(deps, ctx, m.id, q))
    }
    const owner = await deps.repos.users.findById(s.owner_id)
    const mail = renderGroupReport({
      group: { name: group.name },
      schedule: s.schedule as ReportSchedule,
      period,
      timezone: s.timezone,
      reports,
      locale: owner?.language === 'fr' ? 'fr' : 'en',
      link: deps.config.PUBLIC_URL ? `${deps.config.PUBLIC_URL.replace(/\/+$/, '')}/groups/${s.group_id}` : null,
    })
    await mailThroughChannel(deps, ch, { to: JSON.parse(s.recipients) as string[], ...mail, messageKey: key })
    await r.finish(key, { status: 'sent', attempts, sent_at: deps.clock.now(), last_error: null, lease_until: null })
    return true
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    deps.log.warn({ key, err: message }, 'group report e-mail failed')
    await r.finish(key, {
      status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
      attempts,
      last_error: message.slice(0, 500),
      // Retried once the lease runs out.
    })
    return false
  }
}
