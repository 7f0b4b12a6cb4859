import { describe, expect, it } from 'vitest'
import { activeWindow, type MaintenanceSchedule, nextWindow, scheduleError, weeklyToCron } from './schedule.js'

const at = (iso: string) => Date.parse(iso)

describe('weeklyToCron', () => {
  it.each([
    [[0], '02:00', '04:00', '0 2 * * 1', 120],
    [[5, 6], '22:30', '01:30', '30 22 * * 0,6', 180],
    [[6], '00:00', '00:00', '0 0 * * 0', 1440],
  ] as const)('%j %s–%s → %s (%i min)', (days, start, end, cron, duration) => {
    expect(weeklyToCron(days, start, end)).toEqual({ cron, duration_minutes: duration })
  })
  it('rejects bad input', () => {
    expect(() => weeklyToCron([7], '01:00', '02:00')).toThrow(RangeError)
    expect(() => weeklyToCron([1], '25:00', '02:00')).toThrow(RangeError)
  })
})

describe('activeWindow', () => {
  const once: MaintenanceSchedule = {
    kind: 'once',
    starts_at: at('2026-05-01T10:00:00Z'),
    ends_at: at('2026-05-01T11:00:00Z'),
  }
  // Saturday 22:30 → Sunday 01:30, Paris time, across midnight.
  const weekly: MaintenanceSchedule = {
    kind: 'weekly',
    days: [5],
    start: '22:30',
    end: '01:30',
    timezone: 'Europe/Paris',
  }
  const cron: MaintenanceSchedule = {
    kind: 'cron',
    cron: '0 3 * * *',
    duration_minutes: 30,
    timezone: 'America/New_York',
  }

  it.each([
    ['once: before', once, '2026-05-01T09:59:59Z', null],
    [
      'once: start edge is inside',
      once,
      '2026-05-01T10:00:00Z',
      ['2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z'],
    ],
    ['once: end edge is outside', once, '2026-05-01T11:00:00Z', null],
    // 2026-05-02 is a Saturday; Paris is UTC+2 in May.
    [
      'weekly: Saturday 23:00 Paris',
      weekly,
      '2026-05-02T21:00:00Z',
      ['2026-05-02T20:30:00.000Z', '2026-05-02T23:30:00.000Z'],
    ],
    [
      'weekly: after midnight, Sunday 01:00 Paris',
      weekly,
      '2026-05-02T23:00:00Z',
      ['2026-05-02T20:30:00.000Z', '2026-05-02T23:30:00.000Z'],
    ],
    ['weekly: Sunday 01:30 Paris is the end', weekly, '2026-05-02T23:30:00Z', null],
    ['weekly: Friday same time is outside', weekly, '2026-05-01T21:00:00Z', null],
    // 2026-11-01 DST ended in New York: 03:00 local is 08:00Z (it was 07:00Z the day before).
    [
      'cron: New York 03:10 after DST end',
      cron,
      '2026-11-01T08:10:00Z',
      ['2026-11-01T08:00:00.000Z', '2026-11-01T08:30:00.000Z'],
    ],
    [
      'cron: New York 03:10 before DST end',
      cron,
      '2026-10-31T07:10:00Z',
      ['2026-10-31T07:00:00.000Z', '2026-10-31T07:30:00.000Z'],
    ],
    ['cron: outside', cron, '2026-11-01T07:10:00Z', null],
  ] as const)('%s', (_n, schedule, when, expected) => {
    const w = activeWindow(schedule, at(when))
    expect(w && [new Date(w.start).toISOString(), new Date(w.end).toISOString()]).toEqual(expected)
  })

  it('gives the next window for a DST-crossing weekly schedule in winter time', () => {
    // Paris is UTC+1 in December.
    const w = nextWindow(weekly, at('2026-12-01T00:00:00Z'))
    expect(new Date(w!.start).toISOString()).toBe('2026-12-05T21:30:00.000Z')
  })

  it('validates schedules with a message', () => {
    expect(scheduleError({ kind: 'once', starts_at: 2, ends_at: 1 })).toMatch(/before/)
    expect(scheduleError({ ...cron, timezone: 'Mars/Base' } as MaintenanceSchedule)).toBeTruthy()
    expect(scheduleError({ ...cron, cron: 'not a cron' } as MaintenanceSchedule)).toBeTruthy()
    expect(scheduleError(weekly)).toBeNull()
  })
})
