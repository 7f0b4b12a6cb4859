import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../api/client'
import type { MaintenanceInput } from '../../../api/maintenance'
import { i18n, setLocale } from '../../../i18n'
import { loadTagRules } from '../../groups/tagRules'
import { fakeApi } from '../../incidents/test/fake-api'
import { browserTimeZone, emptyMaintenanceForm, formFromWindow } from '../schedule'
import MaintenanceForm from './MaintenanceForm.vue'

const monitors = [
  { id: 'm1', name: 'API' },
  { id: 'm2', name: 'Shop' },
]

function mountForm(save: (input: MaintenanceInput) => Promise<unknown>, initial = emptyMaintenanceForm()) {
  return mount(MaintenanceForm, {
    props: { initial, monitors, submitLabel: 'Create window', save },
    global: { plugins: [i18n] },
    attachTo: document.body,
  })
}

const saved = (save: ReturnType<typeof vi.fn>) => save.mock.calls[0]?.[0] as MaintenanceInput

// The tag rules load lazily in the app; loaded up front here, tag checks take microtasks.
beforeAll(() => loadTagRules())
beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('MaintenanceForm', () => {
  it('builds a one-off window from the two datetime-local inputs, as ISO instants', async () => {
    const save = vi.fn(async (_input: MaintenanceInput) => undefined)
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('  Deploy  ')
    await wrapper.find('select[name="monitor_id"]').setValue('m2')
    await wrapper.find('input[name="starts_at"]').setValue('2026-05-01T22:00')
    await wrapper.find('input[name="ends_at"]').setValue('2026-05-02T01:30')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(saved(save)).toEqual({
      name: 'Deploy',
      description: null,
      monitor_id: 'm2',
      group_id: null,
      tags: null,
      schedule: {
        kind: 'once',
        starts_at: new Date('2026-05-01T22:00').toISOString(),
        ends_at: new Date('2026-05-02T01:30').toISOString(),
      },
    })
  })

  it('builds a weekly window with Monday = 0 … Sunday = 6, and says when it crosses midnight', async () => {
    const save = vi.fn(async (_input: MaintenanceInput) => undefined)
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('Backups')
    await wrapper.find('[data-testid="schedule-kind-weekly"]').setValue(true)

    const days = wrapper.findAll('input[name="days"]')
    expect(days.map((d) => d.element.parentElement?.textContent?.trim())).toEqual([
      'Monday',
      'Tuesday',
      'Wednesday',
      'Thursday',
      'Friday',
      'Saturday',
      'Sunday',
    ])
    await wrapper.find('[data-testid="schedule-day-6"]').setValue(true)
    await wrapper.find('[data-testid="schedule-day-0"]').setValue(true)
    await wrapper.find('[data-testid="schedule-day-2"]').setValue(true)
    await wrapper.find('[data-testid="schedule-day-2"]').setValue(false)
    expect(wrapper.find('[data-testid="schedule-overnight"]').exists()).toBe(false)
    await wrapper.find('input[name="start"]').setValue('22:00')
    await wrapper.find('input[name="end"]').setValue('02:00')
    expect(wrapper.find('[data-testid="schedule-overnight"]').text()).toContain('ends at 02:00 the next day')
    expect((wrapper.find('select[name="timezone"]').element as HTMLSelectElement).value).toBe(browserTimeZone())
    await wrapper.find('select[name="timezone"]').setValue('Europe/Paris')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(saved(save)).toEqual({
      name: 'Backups',
      description: null,
      monitor_id: null,
      group_id: null,
      tags: null,
      schedule: { kind: 'weekly', days: [0, 6], start: '22:00', end: '02:00', timezone: 'Europe/Paris' },
    })
  })

  it('builds a cron window with its duration and time zone, sending only that kind’s fields', async () => {
    const save = vi.fn(async (_input: MaintenanceInput) => undefined)
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('Nightly')
    await wrapper.find('[data-testid="schedule-kind-weekly"]').setValue(true)
    await wrapper.find('[data-testid="schedule-day-1"]').setValue(true)
    await wrapper.find('[data-testid="schedule-kind-cron"]').setValue(true)
    await wrapper.find('input[name="cron"]').setValue(' 30  2 * * 1-5 ')
    await wrapper.find('input[name="duration_minutes"]').setValue('90')
    await wrapper.find('select[name="timezone"]').setValue('America/New_York')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(saved(save).schedule).toEqual({
      kind: 'cron',
      cron: '30 2 * * 1-5',
      duration_minutes: 90,
      timezone: 'America/New_York',
    })
  })

  it('refuses a weekly window without days before calling the server', async () => {
    const save = vi.fn(async (_input: MaintenanceInput) => undefined)
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('x')
    await wrapper.find('[data-testid="schedule-kind-weekly"]').setValue(true)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(save).not.toHaveBeenCalled()
    expect(wrapper.find('#mw-days-error').text()).toBe('Pick at least one day.')
  })

  it('round-trips a saved tags target through the picker, and shows the server’s issue on the tag list', async () => {
    const schedule = { kind: 'cron' as const, cron: '0 3 * * 0', duration_minutes: 60, timezone: 'UTC' }
    const window = {
      name: 'DB',
      description: null,
      monitor_id: null,
      group_id: null,
      tags: ['env:prod', 'db'],
      schedule,
    }
    const save = vi.fn(async (_input: MaintenanceInput) => {
      if (save.mock.calls.length > 1)
        throw new ApiError(400, 'VALIDATION_FAILED', 'Request validation failed', {
          issues: [{ path: 'body.tags', message: 'target a monitor, a group or tags, not several' }],
        })
    })
    // The picker loads the owner's tags as suggestions.
    fakeApi({ 'GET /api/v1/groups': () => [], 'GET /api/v1/tags': () => [] })
    const wrapper = mountForm(save, formFromWindow(window))
    expect((wrapper.find('select[name="monitor_id"]').element as HTMLSelectElement).value).toBe('tags:')
    expect(wrapper.findAll('[data-testid="tag-chip"] .chip__text').map((c) => c.text())).toEqual(['env:prod', 'db'])
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(saved(save)).toEqual(window)

    // Removing a chip and adding one changes the selector; the server's error lands on the tag list.
    await wrapper.findAll('[data-testid="tag-input-remove"]')[1]!.trigger('click')
    const field = wrapper.find('[data-testid="tag-input-field"]')
    await field.setValue('zone:a')
    await field.trigger('keydown', { key: 'Enter' })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(save.mock.calls[1]?.[0]).toMatchObject({ tags: ['env:prod', 'zone:a'] })
    expect(wrapper.find('[data-testid="tag-input"]').element.closest('.field')?.textContent).toContain(
      'target a monitor, a group or tags, not several',
    )

    // Picking a monitor hides the tag input and sends no tags.
    await wrapper.find('select[name="monitor_id"]').setValue('m1')
    expect(wrapper.find('[data-testid="tag-input"]').exists()).toBe(false)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(save.mock.calls[2]?.[0]).toMatchObject({ monitor_id: 'm1', group_id: null, tags: null })
  })

  it("shows the server's 400 issues on the matching fields", async () => {
    const wrapper = mountForm(
      async () => {
        throw new ApiError(400, 'VALIDATION_FAILED', 'Request validation failed', {
          issues: [
            { path: 'body.schedule.cron', message: 'invalid cron expression' },
            { path: 'body.monitor_id', message: 'unknown monitor' },
            { path: 'body.colour', message: 'Unrecognized key: "colour"' },
          ],
        })
      },
      formFromWindow({
        name: 'Nightly',
        description: null,
        monitor_id: 'gone',
        group_id: null,
        schedule: { kind: 'cron', cron: '61 * * * *', duration_minutes: 30, timezone: 'UTC' },
      }),
    )
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    const cron = wrapper.find('input[name="cron"]')
    expect(cron.attributes('aria-invalid')).toBe('true')
    expect(document.getElementById('mw-cron-error')?.textContent?.trim()).toBe('invalid cron expression')
    expect(document.getElementById('mw-monitor-error')?.textContent?.trim()).toBe('unknown monitor')
    expect(wrapper.find('[data-testid="form-error"]').text()).toContain('body.colour: Unrecognized key: "colour"')
    expect(document.activeElement).toBe(wrapper.find('select[name="monitor_id"]').element)
  })
})
