import { FakeClock } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { nextDeadline, passDeadlines, type RunningRun } from '../src/modules/heartbeats/deadline.js'
import { type HeartbeatSchedule, nextExpected, scheduleError } from '../src/modules/heartbeats/schedule.js'
import { DeadlineTimers } from '../src/modules/heartbeats/timers.js'

const at = (s: string) => Date.parse(s)
const cron = (expr: string, timezone: string, grace_seconds = 300): HeartbeatSchedule => ({
  period_seconds: null,
  cron: expr,
  timezone,
  grace_seconds,
})
const period = (p: number, grace_seconds = 60): HeartbeatSchedule => ({
  period_seconds: p,
  cron: null,
  timezone: 'UTC',
  grace_seconds,
})

/** The next `n` expected pings after `from`, each counted from the previous one. */
function expectedAfter(s: HeartbeatSchedule, from: string, n: number): string[] {
  const out: string[] = []
  let t = at(from)
  for (let i = 0; i < n; i++) {
    t = nextExpected(s, t) as number
    out.push(new Date(t).toISOString())
  }
  return out
}

describe('expected pings: periods, and cron in a time zone across DST', () => {
  it('a period counts from the anchor', () => {
    expect(nextExpected(period(300), 1_000)).toBe(301_000)
  })

  it.each([
    [
      'Paris, spring forward: 02:30 does not exist on 29 March, expected at 03:00 CEST instead',
      cron('30 2 * * *', 'Europe/Paris'),
      '2026-03-28T00:00:00Z',
      ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
    ],
    [
      'Paris, fall back: 02:30 happens twice on 25 October, expected once',
      cron('30 2 * * *', 'Europe/Paris'),
      '2026-10-24T00:00:00Z',
      ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    ],
    [
      'Paris, fall back: an every-30-minutes job is expected on both 02:00 and both 02:30',
      cron('*/30 * * * *', 'Europe/Paris'),
      '2026-10-24T23:50:00Z',
      [
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T01:00:00.000Z',
        '2026-10-25T01:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ],
    ],
    [
      'New York weekdays at 9: the offset changes with DST (8 March), Monday is 13:00Z',
      cron('0 9 * * 1-5', 'America/New_York'),
      '2026-03-06T00:00:00Z',
      ['2026-03-06T14:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-10T13:00:00.000Z'],
    ],
    [
      'Sydney, southern spring forward (4 October): 02:30 → 03:00 AEDT',
      cron('30 2 * * *', 'Australia/Sydney'),
      '2026-10-03T00:00:00Z',
      ['2026-10-03T16:00:00.000Z', '2026-10-04T15:30:00.000Z'],
    ],
    [
      'Kolkata (UTC+05:30, no DST): midnight is 18:30Z the day before',
      cron('0 0 * * *', 'Asia/Kolkata'),
      '2026-01-01T00:00:00Z',
      ['2026-01-01T18:30:00.000Z', '2026-01-02T18:30:00.000Z'],
    ],
    ['UTC nickname @hourly', cron('@hourly', 'UTC'), '2026-01-01T00:10:00Z', ['2026-01-01T01:00:00.000Z']],
  ])('%s', (_name, s, from, expected) => {
    expect(expectedAfter(s, from, expected.length)).toEqual(expected)
  })

  it('a ping exactly on the schedule expects the next occurrence, not itself', () => {
    expect(nextExpected(cron('0 * * * *', 'UTC'), at('2026-01-01T05:00:00Z'))).toBe(at('2026-01-01T06:00:00Z'))
  })

  it.each([
    [cron('* * * * * *', 'UTC'), 'cron', /5-field/],
    [cron('61 * * * *', 'UTC'), 'cron', /minute/],
    [cron('0 0 30 2 *', 'UTC'), 'cron', /never fires/],
    [cron('0 3 * * *', 'Mars/Olympus_Mons'), 'timezone', /unknown IANA time zone/],
  ])('refuses %j', (s, field, message) => {
    const e = scheduleError(s)
    expect(e?.field).toBe(field)
    expect(e?.message).toMatch(message)
  })

  it('accepts periods and valid cron expressions', () => {
    expect(scheduleError(period(60))).toBeNull()
    expect(scheduleError(cron('*/5 9-17 * * mon-fri', 'Europe/Berlin'))).toBeNull()
  })
})

describe('deadlines', () => {
  const s = period(300, 60)
  const run = (id: string, startedAt: number, rid: string | null = null): RunningRun => ({
    id,
    rid,
    startedAt,
    deadlineAt: startedAt + 60_000,
  })

  it('none while waiting for the first ping, none once down; the earliest of schedule and runs otherwise', () => {
    expect(nextDeadline(s, { phase: 'new', anchorAt: null }, [])).toBeNull()
    expect(nextDeadline(s, { phase: 'down', anchorAt: 0 }, [run('a', 0)])).toBeNull()
    expect(nextDeadline(s, { phase: 'new', anchorAt: null }, [run('a', 1000)])).toMatchObject({
      kind: 'run',
      at: 61_000,
    })
    expect(nextDeadline(s, { phase: 'up', anchorAt: 0 }, [])).toEqual({
      kind: 'schedule',
      at: 360_000,
      expectedAt: 300_000,
    })
    expect(nextDeadline(s, { phase: 'up', anchorAt: 0 }, [run('a', 100_000)])).toMatchObject({
      kind: 'run',
      at: 160_000,
    })
  })

  it('a missed schedule is down, dated at the deadline', () => {
    const r = passDeadlines(s, { phase: 'up', anchorAt: 0 }, [], 400_000, () => null)
    expect(r.down).toEqual({ at: 360_000, cause: 'no ping by 1970-01-01T00:05:00.000Z (grace 60 s)' })
    expect(r.due).toBeNull()
  })

  it('a run not finished within grace is down: started but never finished', () => {
    const r = passDeadlines(s, { phase: 'up', anchorAt: 0 }, [run('a', 10_000, 'rid-1')], 100_000, () => null)
    expect(r.timedOut?.id).toBe('a')
    expect(r.down?.at).toBe(70_000)
    expect(r.down?.cause).toBe('started at 1970-01-01T00:00:10.000Z (run rid-1) but never finished')
  })

  it('a deadline inside a maintenance window restarts from the window’s end instead of paging then', () => {
    const window = { start: 200_000, end: 1_000_000 }
    const windowAt = (t: number) => (t >= window.start && t < window.end ? window : null)
    // The window is still on: nothing happens, the schedule now counts from its end.
    const during = passDeadlines(s, { phase: 'up', anchorAt: 0 }, [], 500_000, windowAt)
    expect(during).toMatchObject({ down: null, anchorAt: 1_000_000, due: 1_360_000 })
    // Evaluated late (after the window): the restarted deadline has not passed either.
    const after = passDeadlines(s, { phase: 'up', anchorAt: 0 }, [], 1_100_000, windowAt)
    expect(after).toMatchObject({ down: null, due: 1_360_000 })
    expect(passDeadlines(s, { phase: 'up', anchorAt: 0 }, [], 1_360_001, windowAt).down?.at).toBe(1_360_000)
    // A run's deadline moves the same way.
    const moved = passDeadlines(s, { phase: 'up', anchorAt: 150_000 }, [run('r', 190_000)], 300_000, windowAt)
    expect(moved.moved).toEqual([{ id: 'r', deadlineAt: 1_060_000 }])
    expect(moved.down).toBeNull()
  })
})

describe('one timer structure for every deadline', () => {
  it('arms a single clock timer at the earliest deadline and re-arms as deadlines change', async () => {
    const clock = new FakeClock(0)
    const fired: [string, number, number][] = []
    const timers = new DeadlineTimers(clock, async (key, due) => {
      fired.push([key, due, clock.now()])
    })
    timers.start()
    for (let i = 0; i < 1000; i++) timers.set(`m${i}`, 10_000 + i * 1000)
    expect(clock.pendingTimers()).toBe(1)
    timers.set('early', 5_000)
    timers.set('m0', null)
    expect(clock.pendingTimers()).toBe(1)
    clock.advance(5_000)
    await timers.idle()
    expect(fired).toEqual([['early', 5_000, 5_000]])
    clock.advance(6_000)
    await timers.idle()
    expect(fired.map((f) => f[0])).toEqual(['early', 'm1'])
    timers.set('m2', 50_000)
    clock.advance(2_000)
    await timers.idle()
    expect(fired.map((f) => f[0])).toEqual(['early', 'm1', 'm3'])
    timers.stop()
    expect(clock.pendingTimers()).toBe(0)
  })

  it('waits at most the cap at a time (host timers overflow), then fires on time', async () => {
    const clock = new FakeClock(0)
    const fired: number[] = []
    const timers = new DeadlineTimers(clock, async () => void fired.push(clock.now()), 3_600_000)
    timers.start()
    timers.set('far', 30 * 86_400_000)
    for (let h = 0; h < 30 * 24; h++) {
      clock.advance(3_600_000)
      await timers.idle()
    }
    expect(fired).toEqual([30 * 86_400_000])
  })

  it('a cron heartbeat in Paris is checked at 03:05 CEST on the spring-forward night, not at a non-existent 02:35', async () => {
    const s = cron('30 2 * * *', 'Europe/Paris', 300)
    const ping = at('2026-03-28T01:31:00Z')
    const clock = new FakeClock(ping)
    const downs: number[] = []
    let anchorAt = ping
    const timers = new DeadlineTimers(clock, async (key) => {
      const r = passDeadlines(s, { phase: 'up', anchorAt }, [], clock.now(), () => null)
      if (r.down) downs.push(r.down.at)
      anchorAt = r.anchorAt ?? anchorAt
      timers.set(key, r.due)
    })
    timers.start()
    timers.set('nightly', nextDeadline(s, { phase: 'up', anchorAt }, [])?.at ?? null)
    clock.advance(at('2026-03-29T01:04:59Z') - clock.now())
    await timers.idle()
    expect(downs).toEqual([])
    clock.advance(1_000)
    await timers.idle()
    expect(downs).toEqual([at('2026-03-29T01:05:00Z')])
  })
})
