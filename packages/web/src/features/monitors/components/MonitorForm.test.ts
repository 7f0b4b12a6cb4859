import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../api/client'
import { i18n, setLocale } from '../../../i18n'
import { emptyForm } from '../form'
import MonitorForm from './MonitorForm.vue'

function mountForm(save: (input: unknown) => Promise<unknown>) {
  return mount(MonitorForm, {
    props: { initial: emptyForm(), submitLabel: 'Create monitor', save },
    global: { plugins: [i18n] },
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
