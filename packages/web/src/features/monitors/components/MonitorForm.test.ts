import { flushPromises, mount } from '@vue/test-utils'
import type { Monitor } from '@whatisup/shared'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../api/client'
import { i18n, setLocale } from '../../../i18n'
import { emptyForm, formFromMonitor, type MonitorFormState } from '../form'
import MonitorForm from './MonitorForm.vue'

function mountForm(save: (input: unknown) => Promise<unknown>, initial: MonitorFormState = emptyForm()) {
  return mount(MonitorForm, {
    props: { initial, submitLabel: 'Create monitor', save },
    global: { plugins: [i18n, createPinia()] },
    attachTo: document.body,
  })
}

/** The error text tied to an input through aria-describedby, as assistive tech would read it. */
function describedError(input: Element): string | undefined {
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? []
  return ids
    .map((id) => document.getElementById(id))
    .find((el) => el?.classList.contains('field__error'))
    ?.textContent?.trim()
}

beforeEach(() => {
  setLocale('en', false)
  document.body.innerHTML = ''
})

describe('MonitorForm', () => {
  it('submits the parsed config, status code text included', async () => {
    const save = vi.fn(async (_input: unknown) => undefined)
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('Shop')
    await wrapper.find('input[name="url"]').setValue('https://shop.example.com')
    await wrapper.find('input[name="expected_status_codes"]').setValue('200-299, 301')
    await wrapper.find('input[name="interval_seconds"]').setValue('30')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(save).toHaveBeenCalledOnce()
    expect(save.mock.calls[0]?.[0]).toMatchObject({
      name: 'Shop',
      url: 'https://shop.example.com',
      interval_seconds: 30,
      timeout_seconds: 10,
      expected_status_codes: ['200-299', 301],
      method: 'GET',
      body: null,
    })
    expect(wrapper.find('[data-testid="form-error"]').exists()).toBe(false)
  })

  it("shows the server's 400 issues next to the matching fields", async () => {
    const save = vi.fn(async () => {
      throw new ApiError(400, 'VALIDATION_FAILED', 'Request validation failed', {
        issues: [
          { path: 'body.url', message: 'this host resolves to a private address' },
          { path: 'body.interval_seconds', message: 'interval too short for your plan' },
          { path: 'body.enabled_at', message: 'Unrecognized key: "enabled_at"' },
        ],
      })
    })
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('Intranet')
    await wrapper.find('input[name="url"]').setValue('http://10.0.0.1/')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    const url = wrapper.find('input[name="url"]')
    const interval = wrapper.find('input[name="interval_seconds"]')
    const name = wrapper.find('input[name="name"]')
    expect(url.attributes('aria-invalid')).toBe('true')
    expect(describedError(url.element)).toBe('this host resolves to a private address')
    expect(interval.attributes('aria-invalid')).toBe('true')
    expect(describedError(interval.element)).toBe('interval too short for your plan')
    expect(name.attributes('aria-invalid')).toBeUndefined()

    const summary = wrapper.find('[data-testid="form-error"]')
    expect(summary.text()).toContain('Please fix the highlighted fields.')
    expect(summary.text()).toContain('Unrecognized key: "enabled_at"')
    expect(document.activeElement).toBe(url.element)
  })

  it('shows a non-validation server error as the form message', async () => {
    const wrapper = mountForm(async () => {
      throw new ApiError(403, 'FORBIDDEN', 'You cannot create monitors')
    })
    await wrapper.find('input[name="name"]').setValue('x')
    await wrapper.find('input[name="url"]').setValue('https://a.example')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(wrapper.find('[data-testid="form-error"]').text()).toBe('You cannot create monitors')
    expect(wrapper.findAll('[aria-invalid="true"]')).toHaveLength(0)
  })

  it('catches a bad status code list before calling the server, in the UI language', async () => {
    setLocale('fr', false)
    const save = vi.fn(async (_input: unknown) => undefined)
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('x')
    await wrapper.find('input[name="url"]').setValue('https://a.example')
    await wrapper.find('input[name="expected_status_codes"]').setValue('200, 2xx')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(save).not.toHaveBeenCalled()
    const codes = wrapper.find('input[name="expected_status_codes"]')
    expect(codes.attributes('aria-invalid')).toBe('true')
    expect(describedError(codes.element)).toBe('« 2xx » n’est ni un code HTTP (100–599) ni une plage comme 200-299.')
  })

  it('shows the body field only for methods that send one', async () => {
    const wrapper = mountForm(async () => undefined)
    expect(wrapper.find('textarea[name="body"]').exists()).toBe(false)
    await wrapper.find('select[name="method"]').setValue('POST')
    expect(wrapper.find('textarea[name="body"]').exists()).toBe(true)
  })
})

describe('MonitorForm: check kinds', () => {
  it('offers every kind (probe kinds first, http first; then server kinds) and shows only the picked kind’s fields', async () => {
    const wrapper = mountForm(async () => undefined)
    const picker = wrapper.find('select[name="check_type"]')
    expect(picker.findAll('option').map((o) => o.attributes('value'))).toEqual([
      'http',
      'tcp',
      'udp',
      'dns',
      'smtp',
      'ping',
      'domain_expiry',
      'websocket',
      'postgres',
      'mysql',
      'redis',
      'mqtt',
      'heartbeat',
      'composite',
      'manual',
    ])
    expect((picker.element as HTMLSelectElement).value).toBe('http')
    expect(wrapper.find('input[name="url"]').exists()).toBe(true)

    await picker.setValue('dns')
    expect(wrapper.find('input[name="url"]').exists()).toBe(false)
    expect(wrapper.find('input[name="hostname"]').exists()).toBe(true)
    expect(wrapper.find('select[name="record_type"]').exists()).toBe(true)
    await picker.setValue('domain_expiry')
    expect((wrapper.find('input[name="interval_seconds"]').element as HTMLInputElement).value).toBe('3600')
  })

  it('builds a PostgreSQL payload from its fields, keeping what was typed for another kind out', async () => {
    const save = vi.fn(async (_input: unknown) => undefined)
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('Orders DB')
    await wrapper.find('input[name="url"]').setValue('https://typed-then-abandoned.example')
    await wrapper.find('select[name="check_type"]').setValue('postgres')
    await wrapper.find('input[name="host"]').setValue('db.internal')
    await wrapper.find('input[name="username"]').setValue('monitor')
    await wrapper.find('input[name="password"]').setValue('s3cret')
    await wrapper.find('textarea[name="query"]').setValue('SELECT count(*) FROM orders')
    await wrapper.find('input[name="expected_value"]').setValue('42')
    await wrapper.find('input[name="tls"]').setValue(true)
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(save).toHaveBeenCalledOnce()
    expect(save.mock.calls[0]?.[0]).toEqual({
      check_type: 'postgres',
      name: 'Orders DB',
      interval_seconds: 60,
      timeout_seconds: 10,
      network_scope: 'all',
      enabled: true,
      conditions: [],
      host: 'db.internal',
      port: 5432,
      username: 'monitor',
      password: 's3cret',
      tls: true,
      ignore_tls_errors: false,
      database: 'postgres',
      query: 'SELECT count(*) FROM orders',
      expected_value: '42',
    })
  })

  it('shows a stored password as unchanged and sends "" to keep it', async () => {
    const save = vi.fn(async (_input: unknown) => undefined)
    const stored = {
      id: 'm1',
      target: 'redis://cache:6379',
      name: 'Cache',
      check_type: 'redis',
      enabled: true,
      interval_seconds: 30,
      timeout_seconds: 5,
      network_scope: 'internal',
      conditions: ['[RESULT] == PONG'],
      host: 'cache',
      port: 6379,
      username: null,
      password: '',
      tls: false,
      ignore_tls_errors: false,
      db: 2,
      command: 'PING',
      expected_value: null,
    } as unknown as Monitor
    const wrapper = mountForm(save, formFromMonitor(stored))
    expect(wrapper.find('input[name="password"]').attributes('placeholder')).toBe('(unchanged)')
    expect((wrapper.find('input[name="password"]').element as HTMLInputElement).value).toBe('')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(save.mock.calls[0]?.[0]).toMatchObject({
      check_type: 'redis',
      password: '',
      db: 2,
      conditions: ['[RESULT] == PONG'],
    })
  })

  it('shows a condition the server refused on its line, with a caret at the position', async () => {
    const save = vi.fn(async () => {
      throw new ApiError(
        400,
        'VALIDATION_FAILED',
        "body.conditions.1: unknown operator '='; use '==' (at position 9)",
        {
          issues: [{ path: 'body.conditions.1', message: "unknown operator '='; use '==' (at position 9)" }],
        },
      )
    })
    const wrapper = mountForm(save)
    await wrapper.find('input[name="name"]').setValue('Shop')
    await wrapper.find('input[name="url"]').setValue('https://shop.example.com')
    await wrapper.find('textarea[name="conditions"]').setValue('[STATUS] == 200\n\n[STATUS] = 200')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(save).toHaveBeenCalledWith(expect.objectContaining({ conditions: ['[STATUS] == 200', '[STATUS] = 200'] }))
    const errors = wrapper.findAll('[data-testid="condition-error"]')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.attributes('data-line')).toBe('3')
    expect(errors[0]?.text()).toContain("Line 3 — unknown operator '='; use '=='")
    expect(errors[0]?.find('pre').text()).toBe('[STATUS] = 200\n         ^')
    const box = wrapper.find('textarea[name="conditions"]')
    expect(box.attributes('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(box.element)
  })
})
