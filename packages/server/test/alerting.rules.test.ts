import { describe, expect, it } from 'vitest'
import {
  type AlertInput,
  type Decision,
  decideNotifications,
  emptyRuleState,
  type RuleState,
  type Sample,
  withinSchedule,
} from '../src/modules/alerting/decide.js'
import { DEFAULT_PARAMS, type RuleSpec } from '../src/modules/alerting/types.js'

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0) // a Monday
const MIN = 60_000

const rule = (p: Partial<RuleSpec> = {}): RuleSpec => ({ ...DEFAULT_PARAMS, id: 'r1', condition: 'any_down', ...p })

const inc = (
  phase: 'opened' | 'released' | 'updated' | 'resolved',
  at: number,
  o: Partial<Extract<AlertInput, { type: 'incident' }>> = {},
): AlertInput => ({
  type: 'incident',
  at,
  phase,
  incidentId: 'i1',
  monitorId: 'm1',
  scope: 'global',
  suppressed: null,
  escalated: false,
  silenced: false,
  ...o,
})

const sample = (at: number, s: Partial<Sample>, silenced = false): AlertInput => ({
  type: 'sample',
  at,
  monitorId: 'm1',
  sample: { status: 'up', latencyMs: 100, sslDays: null, domainDays: null, ...s },
  silenced,
})

/**
 * Drives a rule the way the engine does: inputs in order, and a tick at every wake-up that falls
 * before the next input (facts come from `facts`).
 */
function drive(
  r: RuleSpec,
  inputs: AlertInput[],
  until: number,
  facts: (at: number) => Record<string, object> = () => ({}),
) {
  let state: RuleState = emptyRuleState()
  let wake: number | null = null
  const log: Decision['outcomes'] = []
  const step = (i: AlertInput) => {
    const d = decideNotifications(r, i, state)
    state = d.state
    wake = d.wakeAt
    log.push(...d.outcomes)
  }
  const tick = (at: number): AlertInput => ({
    type: 'tick',
    at,
    facts: Object.fromEntries(
      Object.keys(state.episodes).map((s) => [
        s,
        { open: true, acked: false, snoozeUntil: null, silenced: false, ...(facts(at)[s] ?? {}) },
      ]),
    ),
  })
  for (const i of inputs) {
    while (wake !== null && wake <= i.at) step(tick(wake))
    step(i)
  }
  while (wake !== null && wake <= until) step(tick(wake))
  return {
    log,
    state,
    sends: log.filter((o) => o.decision === 'send'),
    skips: log.filter((o) => o.decision === 'skip'),
  }
}

const kinds = (os: { message: string; decision: string; reason: string | null }[]) =>
  os.map((o) => (o.decision === 'send' ? o.message : `${o.message}:${o.reason}`))

describe('incident conditions', () => {
  it('any_down sends the opening and always the resolution, however short the incident', () => {
    const { log } = drive(rule(), [inc('opened', T0), inc('resolved', T0 + 800)], T0 + 10 * MIN)
    expect(kinds(log)).toEqual(['opened', 'resolved'])
  })

  it('all_down fires only for a global scope, and on escalation to global', () => {
    const r = rule({ condition: 'all_down' })
    const { log } = drive(
      r,
      [
        inc('opened', T0, { scope: 'regional' }),
        inc('updated', T0 + MIN, { scope: 'global', escalated: true }),
        inc('resolved', T0 + 5 * MIN),
      ],
      T0 + 10 * MIN,
    )
    expect(kinds(log)).toEqual(['opened:scope', 'opened', 'resolved'])
  })

  it('an escalation after the opening is a notified change', () => {
    const { log } = drive(
      rule(),
      [inc('opened', T0, { scope: 'regional' }), inc('updated', T0 + MIN, { scope: 'global', escalated: true })],
      T0 + 10 * MIN,
    )
    expect(kinds(log)).toEqual(['opened', 'escalated'])
  })

  it('min duration: fires once the condition has held that long, never if it clears before', () => {
    const r = rule({ min_duration_seconds: 120 })
    const held = drive(r, [inc('opened', T0), inc('resolved', T0 + 10 * MIN)], T0 + 20 * MIN)
    expect(kinds(held.log)).toEqual(['opened:min_duration_pending', 'opened', 'resolved'])
    expect(held.sends[0]?.at).toBe(T0 + 120_000)
    const short = drive(r, [inc('opened', T0), inc('resolved', T0 + 90_000)], T0 + 20 * MIN)
    expect(kinds(short.log)).toEqual(['opened:min_duration_pending', 'resolved:condition_cleared'])
  })

  it('maintenance and dependency suppress; a release pages then', () => {
    const { log } = drive(
      rule(),
      [
        inc('opened', T0, { suppressed: 'maintenance' }),
        inc('released', T0 + 30 * MIN),
        inc('resolved', T0 + 40 * MIN),
      ],
      T0 + 60 * MIN,
    )
    expect(kinds(log)).toEqual(['opened:maintenance', 'opened', 'resolved'])
    const dep = drive(rule(), [inc('opened', T0, { suppressed: 'dependency' }), inc('resolved', T0 + MIN)], T0 + MIN)
    expect(kinds(dep.log)).toEqual(['opened:dependency', 'resolved:not_notified'])
  })

  it('a silence mutes the opening (and so its resolution); the resolution of a delivered opening still goes out', () => {
    const muted = drive(rule(), [inc('opened', T0, { silenced: true }), inc('resolved', T0 + MIN)], T0 + MIN)
    expect(kinds(muted.log)).toEqual(['opened:silenced', 'resolved:not_notified'])
    const later = drive(rule(), [inc('opened', T0), inc('resolved', T0 + MIN, { silenced: true })], T0 + MIN)
    expect(kinds(later.log)).toEqual(['opened', 'resolved'])
  })
})

describe('re-notify', () => {
  it('re-sends every N minutes while the incident is open, re-checking it', () => {
    const r = rule({ renotify_minutes: 30 })
    const { log } = drive(r, [inc('opened', T0), inc('resolved', T0 + 95 * MIN)], T0 + 200 * MIN)
    expect(kinds(log)).toEqual(['opened', 'renotify', 'renotify', 'renotify', 'resolved'])
    expect(log.map((o) => (o.at - T0) / MIN)).toEqual([0, 30, 60, 90, 95])
  })

  it('stops while acknowledged and while snoozed (recorded once), resumes after', () => {
    const r = rule({ renotify_minutes: 10 })
    const facts = (at: number) => ({
      i1: { acked: at >= T0 + 15 * MIN && at < T0 + 45 * MIN, snoozeUntil: at >= T0 + 50 * MIN ? T0 + 80 * MIN : null },
    })
    const { log } = drive(r, [inc('opened', T0), inc('resolved', T0 + 95 * MIN)], T0 + 200 * MIN, facts)
    expect(kinds(log)).toEqual([
      'opened',
      'renotify', // +10
      'renotify:acked', // +20 (still acked at +30 and +40: not logged again)
      'renotify:snoozed', // +50, until +80
      'renotify', // +80
      'renotify', // +90
      'resolved',
    ])
  })

  it('an all_down rule does not re-page once the outage narrowed to a region', () => {
    const r = rule({ condition: 'all_down', renotify_minutes: 10 })
    const { sends } = drive(
      r,
      [inc('opened', T0), inc('updated', T0 + 5 * MIN, { scope: 'regional' }), inc('resolved', T0 + 60 * MIN)],
      T0 + 60 * MIN,
    )
    expect(sends.map((s) => s.message)).toEqual(['opened', 'resolved'])
  })
})

describe('business hours', () => {
  const night = { timezone: 'Europe/Paris', days: [0, 1, 2, 3, 4], start: '22:00', end: '06:00' }
  const day = { timezone: 'Europe/Paris', days: [0, 1, 2, 3, 4], start: '08:00', end: '18:00' }

  it('a window across midnight covers the early morning of the next day', () => {
    // Friday 2026-01-09 23:30 Paris (22:30 UTC) and Saturday 05:00 Paris: in; Saturday 22:30: out.
    expect(withinSchedule(night, Date.UTC(2026, 0, 9, 22, 30))).toBe(true)
    expect(withinSchedule(night, Date.UTC(2026, 0, 10, 4, 0))).toBe(true)
    expect(withinSchedule(night, Date.UTC(2026, 0, 10, 21, 30))).toBe(false)
    expect(withinSchedule(night, Date.UTC(2026, 0, 9, 12, 0))).toBe(false)
  })

  it('follows the clock change: 06:30 UTC is outside 08:00 Paris in winter, inside after the DST switch', () => {
    expect(withinSchedule(day, Date.UTC(2026, 2, 27, 6, 30))).toBe(false) // Fri 07:30 CET
    expect(withinSchedule(day, Date.UTC(2026, 2, 30, 6, 30))).toBe(true) // Mon 08:30 CEST
    expect(withinSchedule(day, Date.UTC(2026, 2, 30, 16, 30))).toBe(false) // Mon 18:30 CEST
  })

  it('outside business hours the opening is recorded as skipped (schedule) and re-notify retries it in hours', () => {
    const r = rule({ schedule: day, renotify_minutes: 60 })
    const sat = Date.UTC(2026, 0, 10, 12, 0)
    const { log } = drive(r, [inc('opened', sat), inc('resolved', sat + 2 * 86_400_000)], sat + 3 * 86_400_000)
    const first = log[0]
    expect(first && kinds([first])).toEqual(['opened:schedule'])
    const sent = log.find((o) => o.decision === 'send' && o.message === 'opened')
    // Monday 08:00 Paris = 07:00 UTC: the first re-try inside the window sends the opening.
    expect(sent?.at).toBe(Date.UTC(2026, 0, 12, 7, 0))
    expect(log.filter((o) => o.reason === 'schedule')).toHaveLength(1)
  })
})

describe('storm control and digests', () => {
  it('N per window, then one digest of the rest (their resolutions included)', () => {
    const r = rule({ storm_max: 2, storm_window_seconds: 600 })
    const inputs: AlertInput[] = []
    for (let i = 0; i < 5; i++) inputs.push(inc('opened', T0 + i * 1000, { incidentId: `i${i}` }))
    inputs.push(inc('resolved', T0 + 200_000, { incidentId: 'i4' }))
    inputs.push(inc('resolved', T0 + 700_000, { incidentId: 'i0' }))
    const { log, sends } = drive(r, inputs, T0 + 3_600_000)
    expect(kinds(log)).toEqual([
      'opened',
      'opened',
      'opened:storm',
      'opened:storm',
      'opened:storm',
      'resolved:storm',
      'digest',
      'resolved',
    ])
    const digest = sends.find((s) => s.message === 'digest')
    expect(digest?.at).toBe(T0 + 2000 + 600_000)
    expect(digest?.digest?.map((d) => `${d.incidentId}:${d.message}`)).toEqual([
      'i2:opened',
      'i3:opened',
      'i4:opened',
      'i4:resolved',
    ])
  })

  it('digest_minutes batches every notification into one message per window', () => {
    const r = rule({ digest_minutes: 15 })
    const inputs = [0, 1, 2].map((i) => inc('opened', T0 + i * MIN, { incidentId: `i${i}` }))
    const { sends, skips } = drive(r, inputs, T0 + 60 * MIN)
    expect(skips.map((s) => s.reason)).toEqual(['digest', 'digest', 'digest'])
    expect(sends).toHaveLength(1)
    expect(sends[0]).toMatchObject({ message: 'digest', at: T0 + 15 * MIN })
    expect(sends[0]?.digest).toHaveLength(3)
  })
})

describe('sampled conditions', () => {
  it('ssl_expiry is evaluated on every result while the monitor is up, and recovers when renewed', () => {
    const r = rule({ condition: 'ssl_expiry', threshold: 14 })
    const { log } = drive(
      r,
      [
        sample(T0, { sslDays: 20 }),
        sample(T0 + MIN, { sslDays: 13.5 }),
        sample(T0 + 2 * MIN, { sslDays: 13.4 }),
        sample(T0 + 3 * MIN, { sslDays: 89 }),
      ],
      T0 + 10 * MIN,
    )
    expect(kinds(log)).toEqual(['opened', 'resolved'])
    expect(log[0]?.value).toEqual({ actual: 13, expected: 14, unit: 'days' })
  })

  it('response_time_above must be sustained for the min duration while up; down neither raises nor clears it', () => {
    const r = rule({ condition: 'response_time_above', threshold: 500, min_duration_seconds: 180 })
    const slow = (i: number) => sample(T0 + i * MIN, { latencyMs: 900 })
    const blip = drive(r, [slow(0), slow(1), sample(T0 + 2 * MIN, { latencyMs: 100 })], T0 + 10 * MIN)
    expect(blip.log).toEqual([])
    const held = drive(
      r,
      [slow(0), slow(1), sample(T0 + 2 * MIN, { status: 'down', latencyMs: null }), slow(3), slow(4)],
      T0 + 10 * MIN,
    )
    expect(kinds(held.log)).toEqual(['opened'])
    expect(held.sends[0]?.at).toBe(T0 + 3 * MIN)
    expect(held.sends[0]?.value).toEqual({ actual: 900, expected: 500, unit: 'ms' })
  })

  it('degraded, flapping and probe_offline open and close episodes', () => {
    const deg = drive(
      rule({ condition: 'degraded' }),
      [sample(T0, { status: 'degraded' }), sample(T0 + MIN, { status: 'up' })],
      T0 + 5 * MIN,
    )
    expect(kinds(deg.log)).toEqual(['opened', 'resolved'])
    const flap = drive(
      rule({ condition: 'flapping' }),
      [
        { type: 'flapping', at: T0, monitorId: 'm1', state: 'started', silenced: false },
        { type: 'flapping', at: T0 + MIN, monitorId: 'm1', state: 'stopped', silenced: false },
      ],
      T0 + 5 * MIN,
    )
    expect(kinds(flap.log)).toEqual(['opened', 'resolved'])
    const probe = drive(
      rule({ condition: 'probe_offline' }),
      [{ type: 'probe', at: T0, probeId: 'p1', state: 'offline', silenced: false }],
      T0 + 5 * MIN,
    )
    expect(probe.sends.map((s) => s.probeId)).toEqual(['p1'])
  })

  it('is deterministic and pure: the same input on the same state gives the same decision', () => {
    const s = emptyRuleState()
    const a = decideNotifications(rule(), inc('opened', T0), s)
    const b = decideNotifications(rule(), inc('opened', T0), s)
    expect(a).toEqual(b)
    expect(s).toEqual(emptyRuleState())
  })
})
