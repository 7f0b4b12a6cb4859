import { flushPromises, mount } from '@vue/test-utils'
import type { User } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../i18n'
import { useAuthStore } from '../../stores/auth'
import { fakeApi, json } from '../incidents/test/fake-api'
import DashboardPage from './pages/DashboardPage.vue'

const Blank = defineComponent({ render: () => null })
const user = (superadmin: boolean) =>
  ({
    id: `u-${superadmin}`,
    email: 'ada@example.com',
    username: 'ada',
    full_name: 'Ada',
    is_superadmin: superadmin,
    is_active: true,
    can_create_monitors: true,
    timezone: null,
    language: 'en',
    created_at: '2026-01-01T00:00:00.000Z',
  }) as User
const embedded = {
  id: 'p0',
  name: 'embedded',
  location_name: 'server',
  latitude: null,
  longitude: null,
  network_type: 'internal',
  is_active: true,
  is_embedded: true,
  last_seen_at: new Date().toISOString(),
  created_at: '2026-01-01T00:00:00.000Z',
}

function api(state: { monitors: { id: string; status: string }[]; channels: unknown[] }) {
  return fakeApi({
    'GET /api/v1/monitors': () =>
      new Response(JSON.stringify(state.monitors), {
        headers: { 'Content-Type': 'application/json', 'X-Total-Count': String(state.monitors.length) },
      }),
    'GET /api/v1/incidents': () => [],
    'GET /api/v1/probes': () => [embedded],
    'GET /api/v1/settings/instance': () => ({ map_tile_url: '', map_attribution: '', geocoder_enabled: false }),
    'GET /api/v1/alerts/channels': () => state.channels,
  })
}

async function mountPage(superadmin = true) {
  useAuthStore().user = user(superadmin)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['/', '/monitors', '/monitors/new', '/alerts/channels', '/probes', '/incidents', '/incidents/:id'].map(
      (path) => ({
        path,
        name: {
          '/': 'dashboard',
          '/monitors': 'monitors',
          '/monitors/new': 'monitor-new',
          '/alerts/channels': 'alert-channels',
          '/probes': 'probes',
          '/incidents': 'incidents',
          '/incidents/:id': 'incident',
        }[path] as string,
        component: Blank,
      }),
    ),
  })
  await router.push('/')
  await router.isReady()
  return mount(DashboardPage, { global: { plugins: [i18n, router] }, attachTo: document.body })
}

beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
  localStorage.clear()
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('DashboardPage', () => {
  it('shows skeletons while loading, then the first-run checklist and empty states for a user with no monitor', async () => {
    api({ monitors: [], channels: [{ id: 'c1' }] })
    const w = await mountPage()
    expect(w.findAll('[data-testid="skeleton"]').length).toBeGreaterThan(0)
    await flushPromises()
    expect(w.find('[data-testid="skeleton"]').exists()).toBe(false)
    expect(w.find('[data-testid="count-total"]').text()).toBe('0')

    const list = w.find('[data-testid="onboarding"]')
    expect(list.exists()).toBe(true)
    expect(w.find('[data-testid="onboarding-monitor"]').attributes('data-done')).toBe('false')
    expect(w.find('[data-testid="onboarding-monitor"] a').attributes('href')).toBe('/monitors/new')
    // A channel exists already: that step is ticked. Only the embedded probe: the probe step is not.
    expect(w.find('[data-testid="onboarding-channel"]').attributes('data-done')).toBe('true')
    expect(w.find('[data-testid="onboarding-probe"]').attributes('data-done')).toBe('false')
    expect(list.text()).toContain('1 of 3 done')

    expect(w.find('[data-testid="dash-empty-monitors"] a').attributes('href')).toBe('/monitors/new')
    // No tile URL: the probes are listed.
    expect(w.findAll('[data-testid="probe-map-item"]').map((i) => i.find('strong').text())).toEqual(['embedded'])
  })

  it('keeps the checklist once started, ticks the first monitor, and stays dismissed after a reload', async () => {
    const state = { monitors: [] as { id: string; status: string }[], channels: [] as unknown[] }
    api(state)
    let w = await mountPage(false)
    await flushPromises()
    expect(w.findAll('[data-testid^="onboarding-"][data-done]').map((s) => s.attributes('data-testid'))).toEqual([
      'onboarding-monitor',
      'onboarding-channel',
    ])
    w.unmount()

    state.monitors = [{ id: 'm1', status: 'up' }]
    w = await mountPage(false)
    await flushPromises()
    expect(w.find('[data-testid="dash-empty-monitors"]').exists()).toBe(false)
    expect(w.find('[data-testid="onboarding-monitor"]').attributes('data-done')).toBe('true')
    await w.find('[data-testid="onboarding-dismiss"]').trigger('click')
    expect(w.find('[data-testid="onboarding"]').exists()).toBe(false)
    w.unmount()

    w = await mountPage(false)
    await flushPromises()
    expect(w.find('[data-testid="onboarding"]').exists()).toBe(false)
  })

  it('never shows the checklist to a user who already had monitors', async () => {
    api({ monitors: [{ id: 'm1', status: 'down' }], channels: [] })
    const w = await mountPage()
    await flushPromises()
    expect(w.find('[data-testid="count-down"]').text()).toBe('1')
    expect(w.find('[data-testid="onboarding"]').exists()).toBe(false)
  })

  it('still renders when a request fails (no checklist is started on an error)', async () => {
    fakeApi({
      'GET /api/v1/monitors': () => json(503, { code: 'SERVICE_UNAVAILABLE', message: 'db down', requestId: 'r' }),
    })
    const w = await mountPage(false)
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('db down')
    expect(w.find('[data-testid="onboarding"]').exists()).toBe(false)
  })
})
