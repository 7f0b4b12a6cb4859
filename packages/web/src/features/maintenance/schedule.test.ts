import { describe, expect, it } from 'vitest'
import { issuesToFieldErrors } from './form-errors'
import {
  buildMaintenanceInput,
  crossesMidnight,
  formFromWindow,
  isoToLocal,
  localToIso,
  MAINTENANCE_FIELDS,
  TAGS_TARGET,
} from './schedule'
import { buildSilenceInput, emptySilenceForm } from './silence'

describe('schedule helpers', () => {
  it.each([
    ['22:00', '02:00', true],
    ['09:00', '09:00', true],
    ['01:00', '05:30', false],
    ['bad', '05:30', false],
  ])('%s → %s crosses midnight: %s', (start, end, expected) => {
    expect(crossesMidnight(start, end)).toBe(expected)
  })

  it('converts datetime-local values to ISO instants and back', () => {
    const iso = localToIso('2026-07-14T08:45')
    expect(iso).toBe(new Date('2026-07-14T08:45').toISOString())
    expect(isoToLocal(iso ?? '')).toBe('2026-07-14T08:45')
    expect(localToIso('')).toBeNull()
    expect(localToIso('2026-13-45T99:99')).toBeNull()
  })

  it('round-trips a saved weekly window through the form unchanged', () => {
    const saved = {
      name: 'Backups',
      description: 'nightly',
      monitor_id: 'm1',
      group_id: null,
      tags: null,
      schedule: { kind: 'weekly' as const, days: [5, 6], start: '23:00', end: '01:00', timezone: 'Europe/Paris' },
    }
    expect(buildMaintenanceInput(formFromWindow(saved)).input).toEqual(saved)
  })

  it('round-trips a window that targets a monitor group, and an every-monitor window', () => {
    const schedule = { kind: 'cron' as const, cron: '0 3 * * 0', duration_minutes: 60, timezone: 'UTC' }
    const group = { name: 'Edge', description: null, monitor_id: null, group_id: 'g1', tags: null, schedule }
    const form = formFromWindow(group)
    expect(form.monitorId).toBe('group:g1')
    expect(buildMaintenanceInput(form).input).toEqual(group)
    const all = { ...group, group_id: null }
    expect(buildMaintenanceInput(formFromWindow(all)).input).toEqual(all)
  })

  it('round-trips a window that targets tags, and refuses the tags target without a tag', () => {
    const schedule = { kind: 'cron' as const, cron: '0 3 * * 0', duration_minutes: 60, timezone: 'UTC' }
    const tagged = {
      name: 'DB',
      description: null,
      monitor_id: null,
      group_id: null,
      tags: ['env:prod', 'db'],
      schedule,
    }
    const form = formFromWindow(tagged)
    expect(form.monitorId).toBe(TAGS_TARGET)
    expect(form.tags).toEqual(['env:prod', 'db'])
    expect(buildMaintenanceInput(form).input).toEqual(tagged)
    form.tags = []
    expect(buildMaintenanceInput(form)).toEqual({ input: null, errors: { tags: { key: 'tagsRequired' } } })
    // Leaving the tags target drops the labels.
    form.tags = ['db']
    form.monitorId = ''
    expect(buildMaintenanceInput(form).input).toMatchObject({ monitor_id: null, group_id: null, tags: null })
  })

  it('puts each server issue on the longest known field path', () => {
    const { fields, other } = issuesToFieldErrors(
      [
        { path: 'body.schedule.days.3', message: 'too big' },
        { path: 'body.schedule', message: 'the schedule never fires' },
        { path: 'querystring.x', message: 'odd' },
      ],
      MAINTENANCE_FIELDS,
    )
    expect(fields).toEqual({ 'schedule.days': { text: 'too big' }, schedule: { text: 'the schedule never fires' } })
    expect(other).toEqual(['querystring.x: odd'])
  })
})

describe('buildSilenceInput', () => {
  const NOW = Date.parse('2026-03-01T10:00:00.000Z')

  it('sends a preset as duration_minutes, with empty optional fields as null', () => {
    const { input } = buildSilenceInput({ ...emptySilenceForm(), name: ' Deploy ', length: 240 }, NOW)
    expect(input).toEqual({ name: 'Deploy', reason: null, monitor_id: null, tags: null, duration_minutes: 240 })
  })

  it('sends the tags target as tags with no monitor, and refuses it without a tag', () => {
    const base = { ...emptySilenceForm(), name: 'Deploy', monitorId: TAGS_TARGET }
    expect(buildSilenceInput({ ...base, tags: ['svc:api'] }, NOW).input).toEqual({
      name: 'Deploy',
      reason: null,
      monitor_id: null,
      tags: ['svc:api'],
      duration_minutes: 60,
    })
    expect(buildSilenceInput(base, NOW)).toEqual({ input: null, errors: { tags: { key: 'tagsRequired' } } })
  })

  it('sends a custom end as ends_at, and refuses one in the past', () => {
    const later = buildSilenceInput(
      {
        ...emptySilenceForm(),
        name: 'x',
        monitorId: 'm1',
        reason: 'db',
        length: 'custom',
        endsAt: isoToLocal('2026-03-02T10:00:00.000Z'),
      },
      NOW,
    )
    expect(later.input).toEqual({
      name: 'x',
      reason: 'db',
      monitor_id: 'm1',
      tags: null,
      ends_at: '2026-03-02T10:00:00.000Z',
    })
    const past = buildSilenceInput(
      { ...emptySilenceForm(), name: 'x', length: 'custom', endsAt: isoToLocal('2026-03-01T09:00:00.000Z') },
      NOW,
    )
    expect(past.input).toBeNull()
    expect(past.errors).toEqual({ ends_at: { key: 'endInPast' } })
  })
})
