import type { CheckStatus } from '@whatisup/shared'
import { type AnomalyInput, anomaly, BURN_ALERTS, MIN_ANOMALY_SAMPLES } from '../analytics/index.js'
import { activeWindow } from '../maintenance/index.js'
import {
  type AlertCondition,
  type BusinessHours,
  DEFAULT_THRESHOLD,
  type MessageKind,
  type Observation,
  type RuleSpec,
  type SkipReason,
} from './types.js'

/**
 * THE rule evaluation. The live path (engine.ts, fed by domain events and timers) and the impact
 * preview (preview.ts, fed by 30 days of stored incidents and results) both drive this one pure
 * function, so the preview counts what the live path would have sent — not an approximation.
 */

/** What the monitor looked like at one result (sampled conditions). Null = no fresh data. */
export interface Sample {
  status: CheckStatus | null
  latencyMs: number | null
  sslDays: number | null
  domainDays: number | null
  /** Latency sums of the same hour (baseline) and the same ±3 h of day (anomaly) over the 7 days before. */
  baseline?: { hour: AnomalyInput; around: AnomalyInput }
  /** The monitor's SLO target and its burn rates over the whole minutes before the sample. */
  burn?: { target: number; rates: Record<'5m' | '30m' | '1h' | '6h', number> }
}

/** The multi-window rule of each burn condition (a long window to be sure, a short one to be current). */
export const BURN_RULES = { slo_burn_fast: BURN_ALERTS.fast, slo_burn_slow: BURN_ALERTS.slow } as const

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

/** Facts the caller looks up for a timer wake-up, per episode subject. */
export interface SubjectFacts {
  /** For incident subjects: is the incident still open. */
  open: boolean
  acked: boolean
  snoozeUntil: number | null
  silenced: boolean
}

export type AlertInput =
  | {
      type: 'incident'
      at: number
      phase: 'opened' | 'released' | 'updated' | 'resolved'
      incidentId: string
      monitorId: string
      scope: string
      /** Why it does not page (maintenance, dependency, grouped), on `opened`. */
      suppressed: string | null
      escalated: boolean
      silenced: boolean
    }
  | { type: 'sample'; at: number; monitorId: string; sample: Sample; silenced: boolean }
  | { type: 'flapping'; at: number; monitorId: string; state: 'started' | 'stopped'; silenced: boolean }
  | { type: 'probe'; at: number; probeId: string; state: 'offline' | 'online'; silenced: boolean }
  | { type: 'tick'; at: number; facts: Record<string, SubjectFacts> }

/** One condition episode: from when it starts holding until it clears (or the incident resolves). */
export interface Episode {
  subject: string
  /** Stable per episode; part of every idempotency key. */
  key: string
  monitorId: string | null
  incidentId: string | null
  probeId: string | null
  since: number
  scope: string | null
  suppressed: string | null
  /** The condition holds and nothing suppresses it. */
  active: boolean
  /** Min duration: when the first notification becomes due. */
  dueAt: number | null
  /** An opening was delivered (or is held in the digest): its resolution must be delivered. */
  notified: boolean
  inDigest: boolean
  /** Next re-notification attempt. */
  nextAt: number | null
  /** The last non-send recorded by a retry (acked, snoozed, schedule, silenced): not logged again until it changes. */
  quiet: SkipReason | null
  seq: number
  value: Observation | null
}

export interface DigestItem {
  subject: string
  incidentId: string | null
  monitorId: string | null
  probeId: string | null
  message: MessageKind
  at: number
  scope: string | null
  value: Observation | null
}

export interface RuleState {
  episodes: Record<string, Episode>
  /** Times of individual sends inside the storm window. */
  sends: number[]
  digest: { flushAt: number; reason: 'storm' | 'digest'; items: DigestItem[] } | null
}

export interface Outcome {
  subject: string
  key: string
  seq: number
  incidentId: string | null
  monitorId: string | null
  probeId: string | null
  message: MessageKind
  decision: 'send' | 'skip'
  reason: SkipReason | null
  at: number
  scope: string | null
  value: Observation | null
  digest: DigestItem[] | null
}

export interface Decision {
  outcomes: Outcome[]
  state: RuleState
  /** When this rule must be woken (min duration, re-notify, digest flush); null = never. */
  wakeAt: number | null
}

export const emptyRuleState = (): RuleState => ({ episodes: {}, sends: [], digest: null })

/** Inside business hours? (Windows across midnight and DST changes come from the maintenance scheduler.) */
export function withinSchedule(s: BusinessHours, at: number): boolean {
  return activeWindow({ kind: 'weekly', days: s.days, start: s.start, end: s.end, timezone: s.timezone }, at) !== null
}

/** Does a sampled condition hold on this sample? null = the sample says nothing about it. */
export function observe(
  condition: AlertCondition,
  threshold: number | null,
  s: Sample,
): { holds: boolean; value: Observation | null } | null {
  const limit = threshold ?? DEFAULT_THRESHOLD[condition] ?? 0
  switch (condition) {
    case 'degraded':
      // Down is any_down's business: it neither raises nor clears "degraded".
      return s.status === null || s.status === 'down' ? null : { holds: s.status === 'degraded', value: null }
    case 'response_time_above':
      // "While up": a monitor that is down is any_down's business, not a slow one.
      if (s.latencyMs === null || s.status === null || s.status === 'down') return null
      return { holds: s.latencyMs > limit, value: { actual: Math.round(s.latencyMs), expected: limit, unit: 'ms' } }
    case 'response_time_above_baseline': {
      // Same "while up" rule; too little history (< 10 samples in that hour) says nothing.
      const b = s.baseline?.hour
      if (s.latencyMs === null || s.status === null || s.status === 'down' || !b || b.count < MIN_ANOMALY_SAMPLES)
        return null
      const mean = b.sum / b.count
      return {
        holds: s.latencyMs > limit * mean,
        value: {
          actual: Math.round(s.latencyMs),
          expected: Math.round(limit * mean),
          unit: 'ms',
          baseline_ms: Math.round(mean),
        },
      }
    }
    case 'anomaly': {
      if (s.latencyMs === null || s.status === null || s.status === 'down' || !s.baseline) return null
      const a = anomaly(s.latencyMs, s.baseline.around, limit)
      if (a.z_score === null || a.mean_ms === null) return null
      return {
        holds: a.is_anomaly,
        value: {
          actual: round(a.z_score, 2),
          expected: limit,
          unit: 'z',
          baseline_ms: Math.round(a.mean_ms),
          latency_ms: Math.round(s.latencyMs),
        },
      }
    }
    case 'slo_burn_fast':
    case 'slo_burn_slow': {
      if (!s.burn) return null
      const w = BURN_RULES[condition]
      // Both windows must burn: the long one proves it matters, the short one that it is still going on.
      const rate = Math.min(s.burn.rates[w.long], s.burn.rates[w.short])
      return { holds: rate >= limit, value: { actual: round(rate, 2), expected: limit, unit: 'burn' } }
    }
    case 'ssl_expiry':
      if (s.sslDays === null) return null
      return { holds: s.sslDays <= limit, value: { actual: Math.floor(s.sslDays), expected: limit, unit: 'days' } }
    case 'domain_expiry':
      if (s.domainDays === null) return null
      return {
        holds: s.domainDays <= limit,
        value: { actual: Math.floor(s.domainDays), expected: limit, unit: 'days' },
      }
    case 'any_down':
    case 'all_down':
    case 'flapping':
    case 'probe_offline':
      return null
  }
}

const RETRY_REASONS: ReadonlySet<SkipReason> = new Set(['acked', 'snoozed', 'schedule', 'silenced'])

const SUPPRESSION_REASON: Record<string, SkipReason> = {
  maintenance: 'maintenance',
  dependency: 'dependency',
  grouped: 'grouped',
}

/**
 * Decides what one input means for one rule: notifications to send, non-sends with their reason,
 * the rule's next state and when to wake it. Pure and deterministic (no clock, no I/O): the
 * caller supplies facts (silenced, acked…) and applies the result.
 *
 * @example
 * const d = decideNotifications(rule, { type: 'incident', phase: 'opened', … }, emptyRuleState())
 * d.outcomes // [{ decision: 'send', message: 'opened', … }] or [{ decision: 'skip', reason: 'silenced', … }]
 */
export function decideNotifications(rule: RuleSpec, input: AlertInput, prev: RuleState): Decision {
  const state = structuredClone(prev)
  const out: Outcome[] = []
  const run = new Run(rule, state, out)
  if (state.digest && input.at >= state.digest.flushAt) run.flush(input.at)
  switch (input.type) {
    case 'incident':
      if (rule.condition === 'any_down' || rule.condition === 'all_down') run.incident(input)
      break
    case 'sample': {
      const o = observe(rule.condition, rule.threshold, input.sample)
      if (o) run.sampled(`${rule.condition}:${input.monitorId}`, input.monitorId, null, o.holds, o.value, input)
      break
    }
    case 'flapping':
      if (rule.condition === 'flapping')
        run.sampled(`flapping:${input.monitorId}`, input.monitorId, null, input.state === 'started', null, input)
      break
    case 'probe':
      if (rule.condition === 'probe_offline')
        run.sampled(`probe:${input.probeId}`, null, input.probeId, input.state === 'offline', null, input)
      break
    case 'tick':
      run.tick(input.at, input.facts)
      break
  }
  return { outcomes: out, state, wakeAt: nextWake(state) }
}

function nextWake(s: RuleState): number | null {
  let at: number | null = s.digest?.flushAt ?? null
  for (const ep of Object.values(s.episodes)) {
    if (!ep.active) continue
    const t = ep.dueAt ?? ep.nextAt
    if (t !== null && (at === null || t < at)) at = t
  }
  return at
}

class Run {
  constructor(
    private rule: RuleSpec,
    private s: RuleState,
    private out: Outcome[],
  ) {}

  private holdsScope(scope: string | null): boolean {
    return this.rule.condition === 'any_down' || scope === 'global'
  }

  incident(i: Extract<AlertInput, { type: 'incident' }>) {
    let ep = this.s.episodes[i.incidentId]
    switch (i.phase) {
      case 'opened': {
        if (ep) return
        ep = this.open(i.incidentId, i.incidentId, i.monitorId, i.incidentId, null, i.at, i.scope)
        ep.suppressed = i.suppressed
        if (i.suppressed) return this.skip(ep, 'opened', SUPPRESSION_REASON[i.suppressed] ?? 'maintenance', i.at)
        if (!this.holdsScope(i.scope)) return this.skip(ep, 'opened', 'scope', i.at)
        return this.activate(ep, i.at, i.silenced)
      }
      case 'released': {
        // A rule created while the incident was suppressed starts its episode at the release.
        ep ??= this.open(i.incidentId, i.incidentId, i.monitorId, i.incidentId, null, i.at, i.scope)
        ep.suppressed = null
        if (ep.active || ep.notified) return
        if (!this.holdsScope(ep.scope)) return this.skip(ep, 'opened', 'scope', i.at)
        return this.activate(ep, i.at, i.silenced)
      }
      case 'updated': {
        if (!ep) return
        ep.scope = i.scope
        if (ep.suppressed) return
        if (this.rule.condition === 'all_down') {
          if (!ep.active && i.scope === 'global') {
            ep.since = i.at
            return this.activate(ep, i.at, i.silenced)
          }
          if (ep.active && !ep.notified && i.scope !== 'global') {
            ep.active = false
            ep.dueAt = null
            ep.nextAt = null
            return this.skip(ep, 'opened', 'condition_cleared', i.at)
          }
        }
        if (i.escalated && ep.notified && ep.active) this.gated(ep, 'escalated', i.at, i.silenced)
        return
      }
      case 'resolved':
        if (ep) this.close(ep, i.at)
        return
    }
  }

  /** Conditions that hold or not on each input (sampled values, flapping, probe offline). */
  sampled(
    subject: string,
    monitorId: string | null,
    probeId: string | null,
    holds: boolean,
    value: Observation | null,
    i: { at: number; silenced: boolean },
  ) {
    const ep = this.s.episodes[subject]
    if (holds && !ep) {
      const fresh = this.open(subject, `${subject}@${i.at}`, monitorId, null, probeId, i.at, null)
      fresh.value = value
      return this.activate(fresh, i.at, i.silenced)
    }
    if (holds && ep) {
      ep.value = value ?? ep.value
      if (ep.active && ep.dueAt !== null && i.at >= ep.dueAt) this.fire(ep, i.at, i.silenced)
      return
    }
    if (!holds && ep) {
      if (value) ep.value = value
      this.close(ep, i.at)
    }
  }

  tick(at: number, facts: Record<string, SubjectFacts>) {
    for (const ep of Object.values(this.s.episodes).sort((a, b) => (a.key < b.key ? -1 : 1))) {
      const f = facts[ep.subject]
      // An incident that ended without us hearing of it (e.g. a restart in between) still resolves.
      if (ep.incidentId !== null && f && !f.open) {
        this.close(ep, at)
        continue
      }
      if (!ep.active) continue
      const silenced = f?.silenced ?? false
      if (ep.dueAt !== null) {
        if (at >= ep.dueAt) this.fire(ep, at, silenced)
        continue
      }
      if (ep.nextAt === null || at < ep.nextAt) continue
      // Re-notify re-checks the condition: all_down only while the outage is still global (a
      // sampled episode is open only while its samples say the condition holds).
      if (ep.incidentId !== null && !this.holdsScope(ep.scope)) {
        ep.nextAt = at + this.rule.renotify_minutes * 60_000
        continue
      }
      if (f?.acked) {
        this.skip(ep, 'renotify', 'acked', at)
        ep.nextAt = at + this.rule.renotify_minutes * 60_000
        continue
      }
      if (f?.snoozeUntil != null && f.snoozeUntil > at) {
        this.skip(ep, 'renotify', 'snoozed', at)
        ep.nextAt = f.snoozeUntil
        continue
      }
      this.fire(ep, at, silenced)
    }
  }

  flush(at: number) {
    const d = this.s.digest
    if (!d) return
    this.s.digest = null
    for (const it of d.items) {
      const ep = this.s.episodes[it.subject]
      if (ep) ep.inDigest = false
    }
    this.out.push({
      subject: `digest:${this.rule.id}`,
      key: `digest@${d.flushAt}`,
      seq: 1,
      incidentId: null,
      monitorId: null,
      probeId: null,
      message: 'digest',
      decision: 'send',
      reason: null,
      at,
      scope: null,
      value: null,
      digest: d.items,
    })
  }

  private open(
    subject: string,
    key: string,
    monitorId: string | null,
    incidentId: string | null,
    probeId: string | null,
    at: number,
    scope: string | null,
  ): Episode {
    const ep: Episode = {
      subject,
      key,
      monitorId,
      incidentId,
      probeId,
      since: at,
      scope,
      suppressed: null,
      active: false,
      dueAt: null,
      notified: false,
      inDigest: false,
      nextAt: null,
      quiet: null,
      seq: 0,
      value: null,
    }
    this.s.episodes[subject] = ep
    return ep
  }

  private activate(ep: Episode, at: number, silenced: boolean) {
    ep.active = true
    const due = ep.since + this.rule.min_duration_seconds * 1000
    if (due > at) {
      ep.dueAt = due
      return this.skip(ep, 'opened', 'min_duration_pending', at)
    }
    this.fire(ep, at, silenced)
  }

  private fire(ep: Episode, at: number, silenced: boolean) {
    ep.dueAt = null
    this.gated(ep, ep.notified ? 'renotify' : 'opened', at, silenced)
  }

  /** The gates every new notification passes, in order: silence, schedule, digest, storm. */
  private gated(ep: Episode, message: MessageKind, at: number, silenced: boolean) {
    const r = this.rule
    ep.nextAt = r.renotify_minutes > 0 ? at + r.renotify_minutes * 60_000 : null
    if (silenced) return this.skip(ep, message, 'silenced', at)
    if (r.schedule && !withinSchedule(r.schedule, at)) return this.skip(ep, message, 'schedule', at)
    if (r.digest_minutes > 0) return this.hold(ep, message, at, 'digest')
    const windowMs = r.storm_window_seconds * 1000
    this.s.sends = this.s.sends.filter((t) => t > at - windowMs)
    if (r.storm_max !== null && this.s.sends.length >= r.storm_max) return this.hold(ep, message, at, 'storm')
    this.s.sends.push(at)
    if (message === 'opened') ep.notified = true
    this.emit(ep, message, 'send', null, at)
  }

  /** Resolution: always delivered when the opening was, whatever silences or schedules say now. */
  private close(ep: Episode, at: number) {
    delete this.s.episodes[ep.subject]
    if (ep.notified) {
      if ((ep.inDigest && this.s.digest) || this.rule.digest_minutes > 0)
        return this.hold(ep, 'resolved', at, this.s.digest?.reason ?? 'digest')
      return this.emit(ep, 'resolved', 'send', null, at)
    }
    if (ep.active && ep.dueAt !== null) return this.skip(ep, 'resolved', 'condition_cleared', at)
    if (ep.incidentId !== null) this.skip(ep, 'resolved', 'not_notified', at)
  }

  private hold(ep: Episode, message: MessageKind, at: number, reason: 'storm' | 'digest') {
    const r = this.rule
    if (!this.s.digest) {
      const wait = reason === 'digest' ? r.digest_minutes * 60_000 : r.storm_window_seconds * 1000
      this.s.digest = { flushAt: at + wait, reason, items: [] }
    }
    this.s.digest.items.push({
      subject: ep.subject,
      incidentId: ep.incidentId,
      monitorId: ep.monitorId,
      probeId: ep.probeId,
      message,
      at,
      scope: ep.scope,
      value: ep.value,
    })
    if (message === 'opened') {
      ep.notified = true
      ep.inDigest = true
    }
    this.skip(ep, message, reason, at)
  }

  private skip(ep: Episode, message: MessageKind, reason: SkipReason, at: number) {
    // Sampled conditions blip constantly; only incidents log the min-duration bookkeeping.
    if (ep.incidentId === null && (reason === 'min_duration_pending' || reason === 'condition_cleared')) return
    // A retry that meets the same obstacle again (still acked, still off-hours) is not news.
    if (RETRY_REASONS.has(reason)) {
      if (ep.quiet === reason) return
      ep.quiet = reason
    }
    this.emit(ep, message, 'skip', reason, at)
  }

  private emit(ep: Episode, message: MessageKind, decision: 'send' | 'skip', reason: SkipReason | null, at: number) {
    if (decision === 'send') ep.quiet = null
    ep.seq++
    this.out.push({
      subject: ep.subject,
      key: ep.key,
      seq: ep.seq,
      incidentId: ep.incidentId,
      monitorId: ep.monitorId,
      probeId: ep.probeId,
      message,
      decision,
      reason,
      at,
      scope: ep.scope,
      value: ep.value,
      digest: null,
    })
  }
}
