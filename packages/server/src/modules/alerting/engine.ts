import type { TimerHandle } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import type { DomainEvents } from '../../core/events.js'
import { newId } from '../../core/ids.js'
import type { AlertDeliveryRow, AlertRuleWithChannels, MonitorRow } from '../../storage/repositories/index.js'
import {
  type AlertInput,
  decideNotifications,
  emptyRuleState,
  type Outcome,
  type RuleState,
  type SubjectFacts,
} from './decide.js'
import { loadSampleHistory, withHistory } from './history.js'
import { buildMessage } from './message.js'
import { ruleTargets, toSpec } from './rules.js'
import { foldResult, freshnessMs, type SamplerState, sampleAt } from './samples.js'
import {
  BASELINE_CONDITIONS,
  BURN_CONDITIONS,
  INCIDENT_CONDITIONS,
  SAMPLED_CONDITIONS,
  type SkipReason,
} from './types.js'

type IncidentPhase = Extract<AlertInput, { type: 'incident' }>['phase']

/**
 * The live path: domain events and timers in, decisions recorded in the outbox out. All work runs
 * on one queue (in order, one rule state written at a time), and every decision of a rule is
 * committed with its next state in one transaction. It sends nothing itself: the delivery worker
 * does, from the outbox.
 */
export class AlertingEngine {
  private queue: Promise<void> = Promise.resolve()
  private pending = 0
  private timer: TimerHandle | null = null
  private timerAt: number | null = null
  private offs: (() => void)[] = []
  private stopped = false

  constructor(private deps: Deps) {}

  start(): void {
    const ev = this.deps.events
    const on = <K extends keyof DomainEvents>(name: K, fn: (p: DomainEvents[K]) => Promise<void>) =>
      this.offs.push(ev.on(name, (p) => this.enqueue(() => fn(p))))
    on('IncidentOpened', (p) => this.onIncident('opened', p, p.scope, p.suppressed, false))
    on('IncidentReleased', (p) => this.onIncident('released', p, null, null, false))
    on('IncidentUpdated', (p) => this.onIncident('updated', p, p.scope, null, p.escalated))
    on('IncidentResolved', (p) => this.onIncident('resolved', p, null, null, false))
    on('ResultsRecorded', (p) => this.onResults(p.probeId, p.monitorIds))
    on('MonitorFlapping', (p) => this.onFlapping(p))
    on('ProbeOffline', (p) => this.onProbe(p.probeId, p.at, 'offline'))
    on('ProbeOnline', (p) => this.onProbe(p.probeId, p.at, 'online'))
    this.enqueue(async () => this.arm(await this.deps.repos.alertState.earliestWake()))
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const off of this.offs) off()
    this.offs = []
    if (this.timer) this.deps.clock.clearTimeout(this.timer)
    this.timer = null
    await this.idle()
  }

  /** Resolves once every queued piece of work is done (tests await it after moving the clock). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue
  }

  private enqueue(fn: () => Promise<void>): void {
    this.pending++
    this.queue = this.queue
      .then(fn)
      .catch((err: unknown) => this.deps.log.error({ err }, 'alerting failed'))
      .finally(() => {
        this.pending--
      })
  }

  private arm(at: number | null): void {
    if (at === null || this.stopped) return
    if (this.timerAt !== null && this.timerAt <= at) return
    if (this.timer) this.deps.clock.clearTimeout(this.timer)
    this.timerAt = at
    this.timer = this.deps.clock.setTimeout(() => {
      // The instant the timer fired is the decision time (the preview uses the same instants).
      const firedAt = this.deps.clock.now()
      this.timer = null
      this.timerAt = null
      this.enqueue(() => this.wake(firedAt))
    }, at - this.deps.clock.now())
  }

  private async silenced(ownerId: string, monitorId: string | null, at: number): Promise<boolean> {
    return (await this.deps.repos.maintenance.activeSilences(ownerId, monitorId ?? '', at)).length > 0
  }

  private async onIncident(
    phase: IncidentPhase,
    p: { incidentId: string; monitorId: string; at: number },
    scope: string | null,
    suppressed: string | null,
    escalated: boolean,
  ): Promise<void> {
    const monitor = (await this.deps.repos.monitors.findManyByIds([p.monitorId]))[0]
    if (!monitor) return
    const rules = (await this.deps.repos.alerts.rulesForMonitors([monitor])).filter(
      (r) => INCIDENT_CONDITIONS.has(r.condition as never) && ruleTargets(r, monitor),
    )
    if (rules.length === 0) return
    const incident = await this.deps.repos.incidents.findById(p.incidentId)
    for (const rule of rules) {
      const input: AlertInput = {
        type: 'incident',
        at: p.at,
        phase,
        incidentId: p.incidentId,
        monitorId: monitor.id,
        scope: scope ?? incident?.scope ?? 'global',
        suppressed,
        escalated,
        silenced: await this.silenced(rule.owner_id, monitor.id, p.at),
      }
      await this.apply(rule, [input])
    }
  }

  private async onResults(probeId: string, monitorIds: string[]): Promise<void> {
    const monitors = await this.deps.repos.monitors.findManyByIds(monitorIds)
    const rules = (await this.deps.repos.alerts.rulesForMonitors(monitors)).filter((r) =>
      SAMPLED_CONDITIONS.has(r.condition as never),
    )
    if (rules.length === 0) return
    for (const m of monitors) {
      const mine = rules.filter((r) => ruleTargets(r, m))
      if (mine.length === 0) continue
      let samples = await this.foldNewResults(m, probeId)
      const need = {
        baseline: mine.some((r) => BASELINE_CONDITIONS.has(r.condition as never)),
        burn: mine.some((r) => BURN_CONDITIONS.has(r.condition as never)),
      }
      const first = samples[0]
      const last = samples.at(-1)
      if (first && last && (need.baseline || need.burn)) {
        const h = await loadSampleHistory(this.deps, m, first.at, last.at, need)
        samples = samples.map((s) => ({ ...s, sample: withHistory(s.sample, s.at, h) }))
      }
      for (const rule of mine) {
        const inputs: AlertInput[] = []
        for (const s of samples) inputs.push({ ...s, silenced: await this.silenced(rule.owner_id, m.id, s.at) })
        await this.apply(rule, inputs)
      }
    }
  }

  /** Folds this probe's results recorded since the cursor, one sample per result (as the preview does). */
  private async foldNewResults(m: MonitorRow, probeId: string) {
    const now = this.deps.clock.now()
    const fresh = freshnessMs(m.interval_seconds)
    const raw = await this.deps.repos.alertState.getCursor(m.id)
    const state: SamplerState = raw ? (JSON.parse(raw) as SamplerState) : { probes: {} }
    // A cursor left stale (no sampled rule for a while) must not replay old results as news.
    const last = Math.max(state.probes[probeId]?.at ?? 0, now - fresh)
    const rows = (await this.deps.repos.results.listForMonitor(m.id, { limit: 500, offset: 0, since: last + 1 }))
      .filter((r) => r.probe_id === probeId && r.checked_at > last)
      .reverse()
    const samples: { type: 'sample'; at: number; monitorId: string; sample: ReturnType<typeof sampleAt> }[] = []
    for (const r of rows) {
      if (!foldResult(state, r)) continue
      samples.push({ type: 'sample', at: r.checked_at, monitorId: m.id, sample: sampleAt(state, r.checked_at, fresh) })
    }
    if (rows.length > 0) await this.deps.repos.alertState.putCursor(m.id, JSON.stringify(state), now)
    return samples
  }

  private async onFlapping(p: DomainEvents['MonitorFlapping']): Promise<void> {
    await this.deps.repos.alertState.addSignal({
      monitor_id: p.monitorId,
      kind: `flapping_${p.state}`,
      at: p.at,
      data: JSON.stringify({ probes: p.probeIds }),
    })
    const monitor = (await this.deps.repos.monitors.findManyByIds([p.monitorId]))[0]
    if (!monitor) return
    const rules = (await this.deps.repos.alerts.rulesForMonitors([monitor])).filter(
      (r) => r.condition === 'flapping' && ruleTargets(r, monitor),
    )
    for (const rule of rules)
      await this.apply(rule, [
        {
          type: 'flapping',
          at: p.at,
          monitorId: monitor.id,
          state: p.state,
          silenced: await this.silenced(rule.owner_id, monitor.id, p.at),
        },
      ])
  }

  private async onProbe(probeId: string, at: number, state: 'offline' | 'online'): Promise<void> {
    for (const rule of await this.deps.repos.alerts.rulesForProbes()) {
      if (rule.condition !== 'probe_offline') continue
      await this.apply(rule, [
        { type: 'probe', at, probeId, state, silenced: await this.silenced(rule.owner_id, null, at) },
      ])
    }
  }

  /** Timer: every rule whose wake-up is due gets a tick with the facts it needs (ack, snooze, silences). */
  private async wake(at: number): Promise<void> {
    const due = await this.deps.repos.alertState.dueRules(at)
    const rules = new Map((await this.deps.repos.alerts.rulesByIds(due.map((d) => d.rule_id))).map((r) => [r.id, r]))
    for (const d of due) {
      const rule = rules.get(d.rule_id)
      if (!rule) continue
      const state = await this.loadState(rule.id)
      const facts: Record<string, SubjectFacts> = {}
      for (const ep of Object.values(state.episodes)) {
        const inc = ep.incidentId ? await this.deps.repos.incidents.findById(ep.incidentId) : undefined
        facts[ep.subject] = {
          open: ep.incidentId ? inc !== undefined && inc.resolved_at === null : true,
          acked: inc?.acked_at != null,
          snoozeUntil: inc?.snooze_until ?? null,
          silenced: await this.silenced(rule.owner_id, ep.monitorId, at),
        }
      }
      await this.apply(rule, [{ type: 'tick', at, facts }], rule.enabled !== 1)
    }
    this.arm(await this.deps.repos.alertState.earliestWake())
  }

  private async loadState(ruleId: string): Promise<RuleState> {
    const row = await this.deps.repos.alertState.getRuleState(ruleId)
    return row ? (JSON.parse(row.state) as RuleState) : emptyRuleState()
  }

  /** Runs the inputs through the decision function and commits state + decisions together. */
  private async apply(rule: AlertRuleWithChannels, inputs: AlertInput[], disabled = false): Promise<void> {
    if (inputs.length === 0) return
    const spec = toSpec(rule)
    const before = await this.loadState(rule.id)
    let state = before
    let wakeAt: number | null = null
    const outcomes: Outcome[] = []
    for (const input of inputs) {
      const d = decideNotifications(spec, input, state)
      state = d.state
      wakeAt = d.wakeAt
      outcomes.push(...d.outcomes)
    }
    const now = this.deps.clock.now()
    const rows = disabled ? [] : await this.toDeliveries(rule, outcomes, now)
    // Most results change nothing for a rule: no write then. A tick always writes (it moves wake_at).
    const quiet = rows.length === 0 && inputs.every((i) => i.type !== 'tick')
    if (quiet && JSON.stringify(state) === JSON.stringify(before)) return this.arm(wakeAt)
    const inserted = await this.deps.repos.alertState.commit(
      rule.id,
      JSON.stringify(state),
      disabled ? null : wakeAt,
      now,
      rows,
    )
    this.arm(disabled ? null : wakeAt)
    if (inserted > 0 && rows.some((r) => r.status === 'pending'))
      this.deps.events.emit('AlertDeliveriesRecorded', { count: inserted })
  }

  /** One row per outcome × channel; sends carry the message model, built only now (after every gate). */
  private async toDeliveries(
    rule: AlertRuleWithChannels,
    outcomes: Outcome[],
    now: number,
  ): Promise<AlertDeliveryRow[]> {
    if (outcomes.length === 0) return []
    const channels = await this.deps.repos.alerts.channelsByIds(rule.channel_ids)
    const rows: AlertDeliveryRow[] = []
    for (const o of outcomes) {
      const payload = o.decision === 'send' ? JSON.stringify(await buildMessage(this.deps, rule, o)) : null
      const targets = channels.length > 0 ? channels : [null]
      for (const ch of targets) {
        let reason: SkipReason | null = o.reason
        let status = o.decision === 'send' ? 'pending' : 'skipped'
        if (o.decision === 'send' && !ch) [reason, status] = ['no_channel', 'skipped']
        else if (o.decision === 'send' && ch?.enabled !== 1) [reason, status] = ['channel_disabled', 'skipped']
        rows.push({
          id: newId(now),
          idempotency_key: [o.key, rule.id, ch?.id ?? '-', o.message, o.seq].join('|'),
          owner_id: rule.owner_id,
          rule_id: rule.id,
          channel_id: ch?.id ?? null,
          incident_id: o.incidentId,
          monitor_id: o.monitorId,
          subject: o.subject,
          condition: rule.condition,
          event: o.message,
          decision: o.decision,
          reason,
          status,
          payload: status === 'pending' ? payload : null,
          attempts: 0,
          next_attempt_at: status === 'pending' ? now : null,
          lease_until: null,
          claim: null,
          last_error: null,
          response: null,
          created_at: o.at,
          sent_at: null,
          updated_at: now,
        })
      }
    }
    return rows
  }
}

const engines = new WeakMap<Deps, AlertingEngine>()

/** One engine per set of dependencies (several apps on one Deps must not decide twice). */
export function startAlertingEngine(deps: Deps): AlertingEngine {
  let e = engines.get(deps)
  if (!e) {
    e = new AlertingEngine(deps)
    engines.set(deps, e)
    e.start()
  }
  return e
}

export function alertingEngine(deps: Deps): AlertingEngine | undefined {
  return engines.get(deps)
}

export async function stopAlertingEngine(deps: Deps): Promise<void> {
  const e = engines.get(deps)
  engines.delete(deps)
  await e?.stop()
}
