import { flushPromises, mount } from '@vue/test-utils'
import type { Monitor } from '@whatisup/shared'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../../api/client'
import { i18n, setLocale } from '../../../../i18n'
import { buildInput, emptyForm, formFromMonitor, issuesToFieldErrors, switchKind } from '../../form'
import MonitorForm from '../MonitorForm.vue'

beforeEach(() => {
  setLocale('en', false)
  document.body.innerHTML = ''
})

function form(kind: 'heartbeat' | 'composite' | 'manual') {
  const s = emptyForm()
  s.name = 'Nightly backup'
  switchKind(s, kind)
  return s
}

describe('server-side kinds in the monitor form', () => {
  it('builds a heartbeat with a period, or a cron expression in a time zone, and no conditions', () => {
    const s = form('heartbeat')
    s.conditions = '[STATUS] == 200'
    s.kinds.heartbeat.period_seconds = 86_400
    s.kinds.heartbeat.grace_seconds = 600
    expect(buildInput(s).input).toMatchObject({
      check_type: 'heartbeat',
      period_seconds: 86_400,
      cron: null,
      grace_seconds: 600,
      conditions: [],
    })
    s.kinds.heartbeat.schedule = 'cron'
    s.kinds.heartbeat.cron = ' 30 2 * * * '
    s.kinds.heartbeat.timezone = 'Europe/Paris'
    expect(buildInput(s).input).toMatchObject({ period_seconds: null, cron: '30 2 * * *', timezone: 'Europe/Paris' })
  })

  it('checks what the browser can: period range, a cron and a zone present, grace range', () => {
    const s = form('heartbeat')
    s.kinds.heartbeat.period_seconds = 5
    s.kinds.heartbeat.grace_seconds = -1
    expect(Object.keys(buildInput(s).errors).sort()).toEqual(['grace_seconds', 'period_seconds'])
    s.kinds.heartbeat.schedule = 'cron'
    s.kinds.heartbeat.cron = ''
    s.kinds.heartbeat.timezone = ''
    s.kinds.heartbeat.grace_seconds = 60
    expect(Object.keys(buildInput(s).errors).sort()).toEqual(['cron', 'timezone'])
    // The server's verdict on the expression lands on the cron input.
    const mapped = issuesToFieldErrors([{ path: 'body.cron', message: 'not a 5-field cron expression' }], s)
    expect(mapped.fields.cron).toEqual({ text: 'not a 5-field cron expression' })
  })

  it('builds a composite rule with an optional degraded threshold; manual has no settings', () => {
    const c = form('composite')
    c.kinds.composite.rule = 'weighted_up'
    expect(buildInput(c).input).toMatchObject({
      check_type: 'composite',
      rule: 'weighted_up',
      degraded_below_percent: null,
    })
    c.kinds.composite.degraded_below_percent = 150
    expect(buildInput(c).errors.degraded_below_percent).toEqual({ key: 'range', params: { min: 0, max: 100 } })
    expect(buildInput(form('manual')).input).toMatchObject({ check_type: 'manual', conditions: [] })
  })

  it('edits a stored cron heartbeat', () => {
    const s = formFromMonitor({
      check_type: 'heartbeat',
      name: 'job',
      enabled: true,
      interval_seconds: 60,
      timeout_seconds: 10,
      network_scope: 'all',
      conditions: [],
      period_seconds: null,
      cron: '0 3 * * 1',
      timezone: 'America/New_York',
      grace_seconds: 900,
    } as unknown as Monitor)
    expect(s.kinds.heartbeat).toEqual({
      schedule: 'cron',
      period_seconds: 3600,
      cron: '0 3 * * 1',
      timezone: 'America/New_York',
      grace_seconds: 900,
    })
  })

  it('the form offers server kinds apart, hides probe-only sections for them and saves a heartbeat', async () => {
    const save = vi.fn(async (_input: unknown) => undefined)
    const wrapper = mount(MonitorForm, {
      props: { initial: emptyForm(), submitLabel: 'Create', save },
      global: { plugins: [i18n, createPinia()] },
      attachTo: document.body,
    })
    const groups = wrapper.findAll('[data-testid="kind-picker"] optgroup')
    expect(groups.map((g) => g.attributes('label'))).toEqual(['Checked by probes', 'Evaluated by the server'])
    expect(groups[1]?.findAll('option').map((o) => o.attributes('value'))).toEqual(['heartbeat', 'composite', 'manual'])
    await wrapper.find('[data-testid="kind-picker"]').setValue('heartbeat')
    expect(wrapper.find('input[name="interval_seconds"]').exists()).toBe(false)
    expect(wrapper.find('textarea[name="conditions"]').exists()).toBe(false)
    await wrapper.find('input[name="name"]').setValue('Backup')
    await wrapper.find('select[name="schedule"]').setValue('cron')
    await wrapper.find('input[name="cron"]').setValue('0 4 * * *')
    await wrapper.find('input[name="timezone"]').setValue('Europe/Paris')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(save.mock.calls[0]?.[0]).toMatchObject({
      check_type: 'heartbeat',
      cron: '0 4 * * *',
      timezone: 'Europe/Paris',
    })

    save.mockRejectedValueOnce(
      new ApiError(400, 'VALIDATION_FAILED', 'bad', {
        issues: [{ path: 'body.timezone', message: 'unknown IANA time zone' }],
      }),
    )
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('input[name="timezone"]').attributes('aria-invalid')).toBe('true')
  })
})
