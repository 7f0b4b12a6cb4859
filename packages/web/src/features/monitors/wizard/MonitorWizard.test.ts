import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { fakeApi, json } from '../../incidents/test/fake-api'
import MonitorWizard from './MonitorWizard.vue'

const Blank = defineComponent({ render: () => null })

const channel = (id: string, name: string, enabled = true) => ({ id, name, kind: 'slack', enabled })
const template = (check: string, preset: string) => ({
  id: `builtin-${check}-${preset}`,
  name: preset,
  description: null,
  check_type: check,
  builtin: true,
  rows: [],
})
const TEMPLATES = (url: URL) => {
  const check = url.searchParams.get('check_type') ?? 'http'
  return [
    ...['standard', 'strict', 'low_noise'].map((p) => template(check, p)),
    { ...template(check, 'x'), id: 'custom-1', builtin: false },
  ]
}

async function mountWizard() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/monitors/new', name: 'monitor-new', component: Blank },
      { path: '/monitors/new/advanced', name: 'monitor-new-advanced', component: Blank },
      { path: '/alerts/channels', name: 'alert-channels', component: Blank },
    ],
  })
  await router.push('/monitors/new')
  await router.isReady()
  const wrapper = mount(MonitorWizard, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

type W = Awaited<ReturnType<typeof mountWizard>>
const next = async (w: W) => {
  await w.find('form').trigger('submit')
  await flushPromises()
}
const describedError = (w: W, selector: string) => {
  const ids = w.find(selector).attributes('aria-describedby')?.split(' ') ?? []
  return ids
    .map((id) => document.getElementById(id))
    .find((el) => el?.classList.contains('field__error'))
    ?.textContent?.trim()
}

beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('MonitorWizard', () => {
  it('goes kind → target → review, then creates the monitor and applies the preset with the chosen channels', async () => {
    const calls = fakeApi({
      'GET /api/v1/alerts/channels': () => [
        channel('c1', 'Ops Slack'),
        channel('c2', 'Pager'),
        channel('c3', 'Off', false),
      ],
      'GET /api/v1/alerts/templates': (_b, url) => TEMPLATES(url),
      'POST /api/v1/monitors': (body) => json(201, { id: 'm1', ...(body as object) }),
      'POST /api/v1/alerts/monitors/m1/matrix/apply': () => ({ monitor_id: 'm1', rows: [] }),
    })
    const w = await mountWizard()
    expect(w.find('[data-testid="wizard-step-kind"]').attributes('aria-current')).toBe('step')
    expect(w.findAll('[data-testid^="wizard-kind-"]').map((c) => c.attributes('data-testid'))).toEqual([
      'wizard-kind-http',
      'wizard-kind-keyword',
      'wizard-kind-tcp',
      'wizard-kind-ping',
      'wizard-kind-dns',
      'wizard-kind-heartbeat',
    ])
    await w.find('[data-testid="wizard-kind-keyword"] input').setValue(true)
    await next(w)

    expect(w.find('[data-testid="wizard-step-target"]').attributes('aria-current')).toBe('step')
    expect(w.find('input[name="port"]').exists()).toBe(false)
    await w.find('input[name="url"]').setValue('https://shop.example.com/health')
    await w.find('input[name="keyword"]').setValue('"status":"ok"')
    await w.find('select[name="interval_seconds"]').setValue('300')
    // The name defaults from the target.
    expect(w.find('input[name="name"]').attributes('placeholder')).toBe('shop.example.com/health')
    await next(w)

    expect(w.find('[data-testid="wizard-step-review"]').attributes('aria-current')).toBe('step')
    expect(w.find('[data-testid="wizard-summary"]').text()).toContain('shop.example.com/health')
    expect(w.find('[data-testid="wizard-summary"]').text()).toContain('5 minutes')
    // Disabled channels are not offered; only the three built-in presets (and "none") are.
    expect(w.findAll('[data-testid^="wizard-channel-"]').map((c) => c.text())).toEqual([
      'Ops Slack (slack)',
      'Pager (slack)',
    ])
    expect(w.findAll('[data-testid^="wizard-preset-"]').length).toBe(4)
    expect((w.find('[data-testid="wizard-preset-standard"] input').element as HTMLInputElement).checked).toBe(true)
    await w.find('[data-testid="wizard-channel-c2"] input').setValue(true)
    await w.find('[data-testid="wizard-preset-strict"] input').setValue(true)
    await next(w)

    expect(calls.map((c) => c.key)).toEqual([
      'GET /api/v1/alerts/channels',
      'GET /api/v1/alerts/templates?check_type=http',
      'POST /api/v1/monitors',
      'POST /api/v1/alerts/monitors/m1/matrix/apply',
    ])
    expect(calls[2]?.body).toMatchObject({
      check_type: 'http',
      name: 'shop.example.com/health',
      url: 'https://shop.example.com/health',
      keyword: '"status":"ok"',
      keyword_negate: false,
      interval_seconds: 300,
      method: 'GET',
    })
    expect(calls[3]?.body).toEqual({ template_id: 'builtin-http-strict', channel_ids: ['c2'] })
    expect(w.emitted('done')?.[0]?.[0]).toMatchObject({ id: 'm1' })
  })

  it('checks the essentials in the browser before leaving step 2', async () => {
    const calls = fakeApi({})
    const w = await mountWizard()
    await w.find('[data-testid="wizard-kind-tcp"] input').setValue(true)
    await next(w)
    await w.find('input[name="host"]').setValue('db.internal')
    await next(w)
    expect(w.find('[data-testid="wizard-step-target"]').attributes('aria-current')).toBe('step')
    expect(w.find('input[name="port"]').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(w.find('input[name="port"]').element)
    expect(w.find('[data-testid="wizard-error"]').text()).toContain('Please fix the highlighted fields.')
    expect(calls).toEqual([])
  })

  it("shows the server's validation errors on the step-2 field and skips alerts with the none preset", async () => {
    let creates = 0
    const calls = fakeApi({
      'GET /api/v1/alerts/channels': () => [],
      'GET /api/v1/alerts/templates': (_b, url) => TEMPLATES(url),
      'POST /api/v1/monitors': (body) => {
        creates++
        if (creates === 1)
          return json(400, {
            code: 'VALIDATION_FAILED',
            message: 'Request validation failed',
            requestId: 'r',
            details: { issues: [{ path: 'body.host', message: 'this host resolves to a private address' }] },
          })
        return json(201, { id: 'm2', ...(body as object) })
      },
    })
    const w = await mountWizard()
    await w.find('[data-testid="wizard-kind-ping"] input').setValue(true)
    await next(w)
    await w.find('input[name="host"]').setValue('10.0.0.1')
    await w.find('input[name="name"]').setValue('Router')
    await next(w)
    expect(w.find('[data-testid="wizard-no-channels"]').exists()).toBe(true)
    await w.find('[data-testid="wizard-preset-none"] input').setValue(true)
    await next(w)

    // Back on step 2, the server's message tied to the host input.
    expect(w.find('[data-testid="wizard-step-target"]').attributes('aria-current')).toBe('step')
    expect(describedError(w, 'input[name="host"]')).toBe('this host resolves to a private address')
    await w.find('input[name="host"]').setValue('router.example.net')
    await next(w)
    await next(w)
    expect(calls.map((c) => c.key)).toEqual([
      'GET /api/v1/alerts/channels',
      'GET /api/v1/alerts/templates?check_type=ping',
      'POST /api/v1/monitors',
      'POST /api/v1/monitors',
    ])
    expect(calls[3]?.body).toMatchObject({
      check_type: 'ping',
      name: 'Router',
      host: 'router.example.net',
      interval_seconds: 60,
    })
    expect(w.emitted('done')?.[0]?.[0]).toMatchObject({ id: 'm2' })
  })

  it('when applying the preset fails, a retry applies it again without creating a second monitor', async () => {
    let applies = 0
    const calls = fakeApi({
      'GET /api/v1/alerts/channels': () => [channel('c1', 'Ops')],
      'GET /api/v1/alerts/templates': (_b, url) => TEMPLATES(url),
      'POST /api/v1/monitors': (body) => json(201, { id: 'hb1', ...(body as object) }),
      'POST /api/v1/alerts/monitors/hb1/matrix/apply': () =>
        ++applies === 1
          ? json(503, { code: 'SERVICE_UNAVAILABLE', message: 'database busy', requestId: 'r' })
          : { rows: [] },
    })
    const w = await mountWizard()
    await w.find('[data-testid="wizard-kind-heartbeat"] input').setValue(true)
    await next(w)
    await next(w)
    expect(w.find('input[name="name"]').attributes('aria-invalid')).toBe('true')
    await w.find('input[name="name"]').setValue('Nightly backup')
    await w.find('input[name="period_seconds"]').setValue('86400')
    await next(w)
    await w.find('[data-testid="wizard-channel-c1"] input').setValue(true)
    await next(w)
    expect(w.find('[data-testid="wizard-apply-error"]').text()).toContain('database busy')
    expect(w.emitted('done')).toBeUndefined()
    await next(w)
    expect(calls.filter((c) => c.key === 'POST /api/v1/monitors')).toHaveLength(1)
    expect(calls[2]?.body).toMatchObject({
      check_type: 'heartbeat',
      name: 'Nightly backup',
      period_seconds: 86400,
      grace_seconds: 300,
    })
    expect(calls.filter((c) => c.key.endsWith('/apply')).map((c) => c.body)).toEqual([
      { template_id: 'builtin-heartbeat-standard', channel_ids: ['c1'] },
      { template_id: 'builtin-heartbeat-standard', channel_ids: ['c1'] },
    ])
    expect(w.emitted('done')).toHaveLength(1)
  })

  it('links to the advanced form', async () => {
    fakeApi({})
    const w = await mountWizard()
    expect(w.find('[data-testid="wizard-advanced"]').attributes('href')).toBe('/monitors/new/advanced')
  })
})
