import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import type {
  AlertSignalRow,
  IncidentEventRow,
  IncidentRow,
  MonitorRow,
  ResultRow,
  SilenceSpan,
} from '../../storage/repositories/index.js'
import type { MatrixRowInput, PreviewOutDto } from './alerting.schemas.js'
import {
  type AlertInput,
  decideNotifications,
  emptyRuleState,
  type Outcome,
  type RuleState,
  type SubjectFacts,
} from './decide.js'
import { loadSampleHistory, type SampleHistory, withHistory } from './history.js'
import { checkRows, visibleMonitor } from './matrix.service.js'
import { paramsOf } from './rules.service.js'
import { foldResult, freshnessMs, type SamplerState, sampleAt } from './samples.js'
import {
  type AlertCondition,
  BASELINE_CONDITIONS,
  BURN_CONDITIONS,
  INCIDENT_CONDITIONS,
  type RuleSpec,
  SAMPLED_CONDITIONS,
} from './types.js'

export const PREVIEW_DAYS = 30
const MAX_RESULTS = 500_000

/** What the monitor went through: its incidents with their timelines, flapping signals, results, silences. */
export interface History {
  incidents: { row: IncidentRow; events: IncidentEventRow[] }[]
  signals: AlertSignalRow[]
  /** Oldest first; null when no sampled condition needs them. */
  results: ResultRow[] | null
  silences: SilenceSpan[]
  /** Latency baselines and SLO burn rates, loaded as the live engine loads them. */
  sampleHistory: SampleHistory
}

export async function loadHistory(
  deps: Deps,
  monitor: MonitorRow,
  ownerId: string,
  since: number,
  until: number,
  conditions: readonly AlertCondition[],
): Promise<History> {
  const needResults = conditions.some((c) => SAMPLED_CONDITIONS.has(c))
  const need = {
    baseline: conditions.some((c) => BASELINE_CONDITIONS.has(c)),
    burn: conditions.some((c) => BURN_CONDITIONS.has(c)),
  }
  const rows = (await deps.repos.incidents.listForMonitor(monitor.id, { limit: 10_000 })).filter(
    (i) => i.started_at >= since,
  )
  const incidents = await Promise.all(
    rows.map(async (row) => ({ row, events: await deps.repos.incidents.events(row.id) })),
  )
  const results = needResults
    ? (await deps.repos.results.listForMonitor(monitor.id, { limit: MAX_RESULTS, offset: 0, since })).reverse()
    : null
  return {
    incidents,
    signals: await deps.repos.alertState.signals(monitor.id, since),
    results,
    silences: await deps.repos.alertState.silencesOverlapping(ownerId, since, until),
    sampleHistory:
      need.baseline || need.burn
        ? await loadSampleHistory(deps, monitor, since, until, need)
        : { baseline: null, burn: null },
  }
}

const silencedAt = (h: History, monitorId: string | null, at: number) =>
  h.silences.some((s) => s.starts_at <= at && at < s.ends_at && (s.monitor_id === null || s.monitor_id === monitorId))

type Data = Record<string, unknown>
const dataOf = (e: IncidentEventRow): Data => (e.data ? (JSON.parse(e.data) as Data) : {})

/** The domain events the live path received, rebuilt from stored incident timelines. */
function incidentInputs(h: History, monitorId: string): AlertInput[] {
  const out: AlertInput[] = []
  for (const { row, events } of h.incidents) {
    let scope = row.scope
    for (const e of events) {
      const d = dataOf(e)
      const base = {
        type: 'incident' as const,
        at: e.at,
        incidentId: row.id,
        monitorId,
        silenced: silencedAt(h, monitorId, e.at),
      }
      switch (e.kind) {
        case 'opened':
          scope = typeof d.scope === 'string' ? d.scope : scope
          out.push({
            ...base,
            phase: 'opened',
            scope,
            suppressed: (d.suppressed as string | null) ?? null,
            escalated: false,
          })
          break
        case 'escalated':
        case 'scope_changed':
          scope = typeof d.to === 'string' ? d.to : scope
          out.push({ ...base, phase: 'updated', scope, suppressed: null, escalated: e.kind === 'escalated' })
          break
        case 'released':
          out.push({ ...base, phase: 'released', scope, suppressed: null, escalated: false })
          break
        case 'resolved':
          out.push({ ...base, phase: 'resolved', scope, suppressed: null, escalated: false })
          break
      }
    }
  }
  return out
}

/**
 * What a live tick would have read about an incident at `at`: open, acked, snoozed. A timer due at
 * `at` runs before the events of that same instant, so only what happened strictly before counts.
 */
function incidentFacts(h: History, incidentId: string, at: number): Omit<SubjectFacts, 'silenced'> {
  const found = h.incidents.find((i) => i.row.id === incidentId)
  if (!found) return { open: false, acked: false, snoozeUntil: null }
  let acked = false
  let snoozeUntil: number | null = null
  for (const e of found.events) {
    if (e.at >= at) break
    if (e.kind === 'acked') acked = true
    if (e.kind === 'unacked') acked = false
    if (e.kind === 'snoozed') snoozeUntil = Date.parse(String(dataOf(e).until))
    if (e.kind === 'unsnoozed') snoozeUntil = null
  }
  const r = found.row
  return { open: r.started_at <= at && (r.resolved_at === null || r.resolved_at >= at), acked, snoozeUntil }
}

/** One sample per stored result, folded exactly as the live path folds them. */
function sampleInputs(h: History, m: MonitorRow): AlertInput[] {
  const state: SamplerState = { probes: {} }
  const fresh = freshnessMs(m.interval_seconds)
  const out: AlertInput[] = []
  for (const r of h.results ?? []) {
    if (!foldResult(state, r)) continue
    const at = r.checked_at
    out.push({
      type: 'sample',
      at,
      monitorId: m.id,
      sample: withHistory(sampleAt(state, at, fresh), at, h.sampleHistory),
      silenced: silencedAt(h, m.id, at),
    })
  }
  return out
}

function flappingInputs(h: History, monitorId: string): AlertInput[] {
  return h.signals
    .filter((s) => s.kind === 'flapping_started' || s.kind === 'flapping_stopped')
    .map((s) => ({
      type: 'flapping' as const,
      at: s.at,
      monitorId,
      state: s.kind === 'flapping_started' ? ('started' as const) : ('stopped' as const),
      silenced: silencedAt(h, monitorId, s.at),
    }))
}

/**
 * Runs a rule over history through the live decision function, waking it exactly when the live
 * timers would (min duration, re-notify, digest flush) with the facts a live tick reads.
 */
export function replay(spec: RuleSpec, m: MonitorRow, h: History, until: number): Outcome[] {
  const inputs = INCIDENT_CONDITIONS.has(spec.condition)
    ? incidentInputs(h, m.id)
    : SAMPLED_CONDITIONS.has(spec.condition)
      ? sampleInputs(h, m)
      : spec.condition === 'flapping'
        ? flappingInputs(h, m.id)
        : []
  inputs.sort((a, b) => a.at - b.at)
  let state: RuleState = emptyRuleState()
  let wake: number | null = null
  const out: Outcome[] = []
  const step = (input: AlertInput) => {
    const d = decideNotifications(spec, input, state)
    state = d.state
    wake = d.wakeAt
    out.push(...d.outcomes)
  }
  const tick = (at: number): AlertInput => {
    const facts: Record<string, SubjectFacts> = {}
    for (const ep of Object.values(state.episodes))
      facts[ep.subject] = {
        ...(ep.incidentId ? incidentFacts(h, ep.incidentId, at) : { open: true, acked: false, snoozeUntil: null }),
        silenced: silencedAt(h, ep.monitorId, at),
      }
    return { type: 'tick', at, facts }
  }
  let guard = 0
  for (const input of inputs) {
    while (wake !== null && wake <= input.at && guard++ < 1_000_000) step(tick(wake))
    step(input)
  }
  while (wake !== null && wake <= until && guard++ < 1_000_000) step(tick(wake))
  return out
}

/** ≈ how many notifications each proposed row would have sent over the last 30 days. */
export async function previewMatrix(
  deps: Deps,
  ctx: RequestContext,
  monitorId: string,
  rows: readonly MatrixRowInput[],
): Promise<PreviewOutDto> {
  const m = await visibleMonitor(deps, ctx, monitorId)
  checkRows(m.check_type, rows)
  const until = deps.clock.now()
  const since = until - PREVIEW_DAYS * 86_400_000
  const active = rows.filter((r) => r.enabled)
  const h = await loadHistory(
    deps,
    m,
    ctx.userId,
    since,
    until,
    active.map((r) => r.condition),
  )
  const counts = rows.map((r) => {
    if (!r.enabled) return { condition: r.condition, count: 0 }
    const spec: RuleSpec = { id: `preview-${r.condition}`, condition: r.condition, ...paramsOf(r) }
    return { condition: r.condition, count: replay(spec, m, h, until).filter((o) => o.decision === 'send').length }
  })
  return { window_days: PREVIEW_DAYS, counts, total: counts.reduce((s, c) => s + c.count, 0) }
}
