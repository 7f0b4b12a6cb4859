import { flushPromises, mount } from '@vue/test-utils'
import type { Monitor } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { useRealtimeStore } from '../../../stores/realtime'
import { fakeApi, json } from '../../incidents/test/fake-api'
import { STORAGE_KEY } from '../composables/listState'
import MonitorListPage from './MonitorListPage.vue'

const Blank = defineComponent({ render: () => null })

const monitor = (id: string, status: Monitor['status'], check_type = 'http'): Monitor =>
  ({
    id,
    name: `M ${id}`,
    check_type,
    target: `https://${id}`,
    status,
    enabled: true,
    last_checked_at: null,
    last_response_time_ms: null,
  }) as unknown as Monitor

const ALL = [monitor('a', 'up'), monitor('b', 'down'), monitor('c', 'down', 'tcp'), monitor('d', 'paused')]

async function mountPage(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/monitors', name: 'monitors', component: MonitorListPage },
      { path: '/monitors/new', name: 'monitor-new', component: Blank },
      { path: '/monitors/:id', name: 'monitor', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(MonitorListPage, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

const names = (w: { findAll(s: string): { text(): string }[] }) =>
  w.findAll('[data-testid="monitor-name"]').map((n) => n.text())

beforeEach(() => {
  setActivePinia(createPinia())
  setLocale('en', false)
  localStorage.clear()
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('MonitorListPage', () => {
  it('paginates on the server with limit/offset from the URL', async () => {
    const calls = fakeApi({
      'GET /api/v1/monitors': (_b, url) =>
        new Response(
          JSON.stringify(ALL.slice(Number(url.searchParams.get('offset')), 2 + Number(url.searchParams.get('offset')))),
          {
            headers: { 'Content-Type': 'application/json', 'X-Total-Count': '60' },
          },
        ),
    })
    const { wrapper } = await mountPage('/monitors?page=2&size=25&q=m')
    expect(calls[0]?.key).toBe('GET /api/v1/monitors?q=m&limit=25&offset=25')
    expect(wrapper.text()).toContain('Page 2 of 3')
  })

  it('filters by status and kind from the URL, and remembers them', async () => {
    const calls = fakeApi({ 'GET /api/v1/monitors': () => json(200, ALL) })
    const { wrapper, router } = await mountPage('/monitors?status=down&kind=tcp')
    expect(calls[0]?.key).toContain('limit=500')
    expect(names(wrapper)).toEqual(['M c'])
    await wrapper.get('[data-testid="filter-kind"]').setValue('null')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 5))
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ status: 'down' })
    expect(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}')).toEqual({ status: 'down' })
    expect(names(wrapper)).toEqual(['M b', 'M c'])
  })

  it('restores the last filters from localStorage when the URL has none', async () => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ status: 'paused' }))
    fakeApi({ 'GET /api/v1/monitors': () => json(200, ALL) })
    const { wrapper, router } = await mountPage('/monitors')
    expect(names(wrapper)).toEqual(['M d'])
    expect(router.currentRoute.value.query).toEqual({ status: 'paused' })
  })

  it('updates statuses live from realtime events, without refetching', async () => {
    const calls = fakeApi({ 'GET /api/v1/monitors': () => json(200, ALL) })
    const realtime = useRealtimeStore()
    const listeners: ((e: unknown[]) => void)[] = []
    vi.spyOn(realtime, 'subscribe').mockImplementation((l) => {
      listeners.push(l as (e: unknown[]) => void)
      return () => undefined
    })
    const { wrapper } = await mountPage('/monitors')
    const before = calls.length
    for (const l of listeners) l([{ type: 'MonitorStateChanged', data: { monitorId: 'a', to: 'down' } }])
    await flushPromises()
    const status = wrapper.findAll('[data-testid="monitor-status"]').map((s) => s.text())
    expect(status[0]).toBe('down')
    expect(calls.length).toBe(before)
  })

  it('selects rows and pauses them through the per-monitor endpoint', async () => {
    const calls = fakeApi({
      'GET /api/v1/monitors': () => json(200, ALL),
      'POST /api/v1/monitors/a/pause': () => ({ ...ALL[0], status: 'paused' }),
      'POST /api/v1/monitors/b/pause': () => ({ ...ALL[1], status: 'paused' }),
    })
    const { wrapper } = await mountPage('/monitors')
    const boxes = wrapper.findAll('[data-testid="monitor-select"]')
    await boxes[0]?.setValue(true)
    await boxes[1]?.setValue(true)
    expect(wrapper.get('[data-testid="bulk-bar"]').text()).toContain('2 monitors selected')
    await wrapper.get('[data-testid="bulk-pause"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => c.key)).toEqual(
      expect.arrayContaining(['POST /api/v1/monitors/a/pause', 'POST /api/v1/monitors/b/pause']),
    )
    expect(wrapper.find('[data-testid="bulk-bar"]').exists()).toBe(false)
  })
})
