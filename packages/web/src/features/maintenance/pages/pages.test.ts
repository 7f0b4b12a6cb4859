import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { MaintenanceWindow, Silence } from '../../../api/maintenance'
import { i18n, setLocale } from '../../../i18n'
import { loadTagRules } from '../../groups/tagRules'
import { fakeApi, json } from '../../incidents/test/fake-api'
import MaintenancePage from './MaintenancePage.vue'
import SilencesPage from './SilencesPage.vue'

const Blank = defineComponent({ render: () => null })
const monitors = [{ id: 'm1', name: 'Shop' }]

const windowRow: MaintenanceWindow = {
  id: 'w1',
  name: 'Nightly backup',
  description: null,
  monitor_id: 'm1',
  group_id: null,
  tags: null,
  schedule: { kind: 'weekly', days: [0], start: '02:00', end: '03:00', timezone: 'UTC' },
  active: false,
  next_start: '2026-03-02T02:00:00.000Z',
  created_at: '2026-03-01T00:00:00.000Z',
}
const silenceRow: Silence = {
  id: 's1',
  name: 'Vendor outage',
  reason: null,
  monitor_id: null,
  tags: null,
  starts_at: '2026-03-01T00:00:00.000Z',
  ends_at: '2099-03-01T00:00:00.000Z',
  active: true,
} as Silence

async function mountPage(component: typeof MaintenancePage | typeof SilencesPage) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'page', component: Blank },
      { path: '/monitors/:id', name: 'monitor', component: Blank },
      { path: '/groups/:id', name: 'group', component: Blank },
    ],
  })
  await router.push('/')
  const wrapper = mount(component, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

// The tag rules load lazily in the app; loaded up front here, tag checks take microtasks.
beforeAll(() => loadTagRules())
beforeEach(() => {
  setActivePinia(createPinia())
  setLocale('en', false)
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('maintenance and silences pages', () => {
  it('shows the empty state with no windows, and the list with linked targets when there are', async () => {
    let windows: MaintenanceWindow[] = []
    fakeApi({
      'GET /api/v1/maintenance': () => windows,
      'GET /api/v1/monitors': () => monitors,
      'GET /api/v1/groups': () => [{ id: 'g1', name: 'Edge' }],
    })
    const empty = await mountPage(MaintenancePage)
    expect(empty.find('[data-testid="maintenance-empty"]').exists()).toBe(true)
    empty.unmount()

    windows = [
      windowRow,
      { ...windowRow, id: 'w2', name: 'Edge patching', monitor_id: null, group_id: 'g1' },
      { ...windowRow, id: 'w3', name: 'DB upgrade', monitor_id: null, tags: ['env:prod', 'db'] },
    ]
    const page = await mountPage(MaintenancePage)
    expect(page.find('[data-testid="maintenance-empty"]').exists()).toBe(false)
    const [row, groupRow, tagRow] = page.findAll('[data-testid="maintenance-row"]')
    expect(row?.text()).toContain('Nightly backup')
    expect(row?.get('a').text()).toBe('Shop')
    expect(groupRow?.get('a').text()).toBe('Edge (group)')
    expect(tagRow?.findAll('[data-testid="tag-chip"] .chip__text').map((c) => c.text())).toEqual(['env:prod', 'db'])
    expect(tagRow?.find('a').exists()).toBe(false)
    expect(tagRow?.text()).not.toContain('All my monitors')
  })

  it('creates a window for a monitor group picked in the target list', async () => {
    const calls = fakeApi({
      'GET /api/v1/maintenance': () => [],
      'GET /api/v1/monitors': () => monitors,
      'GET /api/v1/groups': () => [{ id: 'g1', name: 'Edge' }],
      'POST /api/v1/maintenance': (body) => ({ ...windowRow, ...(body as object), id: 'w9' }),
    })
    const page = await mountPage(MaintenancePage)
    await page.get('[data-testid="maintenance-new"]').trigger('click')
    await flushPromises()
    const options = page.findAll('select[name="monitor_id"] option').map((o) => o.text())
    expect(options).toEqual(['All my monitors', 'Monitors with tags…', 'Shop', 'Edge'])
    await page.get('input[name="name"]').setValue('Edge patching')
    await page.get('select[name="monitor_id"]').setValue('group:g1')
    await page.get('[data-testid="maintenance-form"]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.key === 'POST /api/v1/maintenance')
    expect(post?.body).toMatchObject({ name: 'Edge patching', monitor_id: null, group_id: 'g1' })
  })

  it('creates a window for the monitors with tags, picked as a third kind of target', async () => {
    const calls = fakeApi({
      'GET /api/v1/maintenance': () => [],
      'GET /api/v1/monitors': () => monitors,
      'GET /api/v1/groups': () => [],
      'GET /api/v1/tags': () => [
        { id: 't1', key: 'env', value: 'prod', label: 'env:prod', color: null, monitor_count: 2 },
        { id: 't2', key: 'db', value: null, label: 'db', color: '#ff0000', monitor_count: 1 },
      ],
      'POST /api/v1/maintenance': (body) => ({ ...windowRow, ...(body as object), id: 'w9' }),
    })
    const page = await mountPage(MaintenancePage)
    await page.get('[data-testid="maintenance-new"]').trigger('click')
    await flushPromises()
    expect(page.find('[data-testid="tag-input"]').exists()).toBe(false)
    await page.get('input[name="name"]').setValue('DB upgrade')
    await page.get('select[name="monitor_id"]').setValue('tags:')
    await flushPromises()
    // The owner's tags are offered while typing.
    expect(page.findAll('[data-testid="tag-input"] datalist option').map((o) => o.attributes('value'))).toEqual([
      'db',
      'env:prod',
    ])
    // No tag yet: refused before calling the server.
    await page.get('[data-testid="maintenance-form"]').trigger('submit')
    await flushPromises()
    expect(page.text()).toContain('Add at least one tag.')
    expect(calls.some((c) => c.key === 'POST /api/v1/maintenance')).toBe(false)
    const field = page.get('[data-testid="tag-input-field"]')
    await field.setValue('env:prod')
    await field.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    // A tag still being typed is sent too.
    await field.setValue('db')
    await page.get('[data-testid="maintenance-form"]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.key === 'POST /api/v1/maintenance')
    expect(post?.body).toMatchObject({ name: 'DB upgrade', monitor_id: null, group_id: null, tags: ['env:prod', 'db'] })
  })

  it('creates a silence for the monitors with tags, and lists its tags', async () => {
    let silences: Silence[] = []
    const calls = fakeApi({
      'GET /api/v1/silences': () => silences,
      'GET /api/v1/monitors': () => monitors,
      'POST /api/v1/silences': (body) => {
        silences = [{ ...silenceRow, ...(body as object), id: 's9' } as Silence]
        return silences[0]
      },
    })
    const page = await mountPage(SilencesPage)
    await page.get('[data-testid="silence-new"]').trigger('click')
    await flushPromises()
    await page.get('input[name="name"]').setValue('Deploy')
    await page.get('select[name="monitor_id"]').setValue('tags:')
    const field = page.get('[data-testid="tag-input-field"]')
    await field.setValue('svc:api')
    await field.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    await page.get('[data-testid="silence-form"]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.key === 'POST /api/v1/silences')
    expect(post?.body).toMatchObject({ name: 'Deploy', monitor_id: null, tags: ['svc:api'], duration_minutes: 60 })
    expect(post?.body).not.toHaveProperty('group_id')
    await flushPromises()
    const row = page.get('[data-testid="silence-row"]')
    expect(row.findAll('[data-testid="tag-chip"] .chip__text').map((c) => c.text())).toEqual(['svc:api'])
  })

  it('reports a load error with a retry that recovers', async () => {
    let fail = true
    fakeApi({
      'GET /api/v1/silences': () =>
        fail ? json(500, { code: 'INTERNAL', message: 'database is locked', requestId: 'r' }) : [silenceRow],
      'GET /api/v1/monitors': () => monitors,
    })
    const page = await mountPage(SilencesPage)
    const alert = page.get('[role="alert"]')
    expect(alert.text()).toContain('database is locked')
    fail = false
    await alert.get('button').trigger('click')
    await flushPromises()
    expect(page.find('[role="alert"]').exists()).toBe(false)
    const row = page.get('[data-testid="silence-row"]')
    expect(row.text()).toContain('Vendor outage')
    expect(row.text()).toContain('All my monitors')
  })

  it('ends an active silence through its endpoint and refreshes', async () => {
    let ended = false
    const calls = fakeApi({
      'GET /api/v1/silences': () => [{ ...silenceRow, active: !ended }],
      'POST /api/v1/silences/s1/end': () => {
        ended = true
        return { ...silenceRow, active: false }
      },
      'GET /api/v1/monitors': () => monitors,
    })
    const page = await mountPage(SilencesPage)
    await page.get('[data-testid="silence-end"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => c.key)).toContain('POST /api/v1/silences/s1/end')
    expect(page.find('[data-testid="silence-end"]').exists()).toBe(false)
  })
})
