import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { useAuthStore } from '../../../stores/auth'
import { duration } from '../../../ui/format'
import { fakeApi, summary } from '../test/fake-api'
import IncidentListPage from './IncidentListPage.vue'

const NOW = Date.parse('2026-03-01T10:01:30.000Z')
const Blank = defineComponent({ render: () => null })

const openGlobal = summary({ id: 'a', monitor_name: 'Shop', scope: 'global', started_at: '2026-03-01T10:00:00.000Z' })
const openRegional = summary({
  id: 'b',
  monitor_name: 'API',
  scope: 'regional',
  affected_probe_ids: ['p2'],
  started_at: '2026-03-01T09:00:00.000Z',
  suppressed: 'grouped',
  group_id: 'g1',
})
const resolvedLocal = summary({
  id: 'c',
  monitor_name: 'Blog',
  status: 'resolved',
  scope: 'probe_local',
  affected_probe_ids: ['p1'],
  started_at: '2026-03-01T09:30:00.000Z',
  resolved_at: '2026-03-01T09:32:05.000Z',
  duration_seconds: 125,
  mttr_seconds: 150,
})
const ackedMaintenance = summary({
  id: 'd',
  monitor_name: 'Batch',
  scope: 'partial',
  started_at: '2026-03-01T08:00:00.000Z',
  acked_at: '2026-03-01T08:05:00.000Z',
  acked_by: 'ada',
  suppressed: 'maintenance',
})

async function mountPage(path = '/incidents') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/incidents', name: 'incidents', component: IncidentListPage },
      { path: '/incidents/:id', name: 'incident', component: Blank },
      { path: '/monitors/:id', name: 'monitor', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(IncidentListPage, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
})
afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('IncidentListPage', () => {
  it('lists open incidents first with scope, probes, live duration, MTTD and markers', async () => {
    fakeApi({ 'GET /api/v1/incidents': () => [resolvedLocal, ackedMaintenance, openRegional, openGlobal] })
    const { wrapper } = await mountPage()

    const rows = wrapper.findAll('[data-testid="incident-row"]')
    expect(rows.map((r) => r.attributes('data-incident-id'))).toEqual(['a', 'b', 'd', 'c'])
    expect(rows.map((r) => r.find('[data-testid="incident-scope"]').text())).toEqual([
      'Global',
      'Regional',
      'Partial',
      'One probe',
    ])
    // Open: how long so far (90 s at NOW); resolved: the stored duration.
    expect(rows[0]?.find('[data-testid="incident-duration"]').text()).toBe(duration(90, 'en'))
    expect(rows[3]?.find('[data-testid="incident-duration"]').text()).toBe(duration(125, 'en'))
    expect(rows[0]?.text()).toContain(duration(30, 'en'))
    // Not a superadmin: counts, not names.
    expect(rows[0]?.find('[data-testid="incident-probes"]').text()).toBe('3 probes')
    expect(rows[1]?.find('[data-testid="incident-grouped"]').exists()).toBe(true)
    expect(rows[2]?.find('[data-testid="incident-acked"]').exists()).toBe(true)
    expect(rows[2]?.find('[data-testid="incident-suppressed"]').text()).toBe('Not paged: maintenance window')
    expect(rows[3]?.find('[data-testid="incident-status"]').text()).toBe('Resolved')
    // Resolved or already acked incidents cannot be picked for a bulk ack.
    expect(rows.map((r) => r.find('[data-testid="incident-select"]').exists())).toEqual([true, true, false, false])
  })

  it('keeps ticking the duration of an open incident', async () => {
    fakeApi({ 'GET /api/v1/incidents': () => [openGlobal] })
    vi.useRealTimers()
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
    vi.setSystemTime(NOW)
    const { wrapper } = await mountPage()
    expect(wrapper.find('[data-testid="incident-duration"]').text()).toBe(duration(90, 'en'))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(wrapper.find('[data-testid="incident-duration"]').text()).toBe(duration(150, 'en'))
  })

  it('acknowledges the selected incidents in one bulk call, then reloads', async () => {
    let acked = false
    const calls = fakeApi({
      'GET /api/v1/incidents': () =>
        acked ? [{ ...openGlobal, acked_at: new Date(NOW).toISOString() }, openRegional] : [openGlobal, openRegional],
      'POST /api/v1/incidents/bulk-ack': () => {
        acked = true
        return { affected: 1 }
      },
    })
    const { wrapper } = await mountPage()
    const button = wrapper.find('[data-testid="incident-bulk-ack"]')
    expect(button.attributes('disabled')).toBeDefined()

    await wrapper.findAll('[data-testid="incident-select"]')[0]?.setValue(true)
    expect(button.text()).toBe('Acknowledge selected (1)')
    await button.trigger('click')
    await flushPromises()

    const ack = calls.find((c) => c.key === 'POST /api/v1/incidents/bulk-ack')
    expect(ack?.body).toEqual({ ids: ['a'] })
    expect(calls.filter((c) => c.key.startsWith('GET /api/v1/incidents?'))).toHaveLength(2)
    expect(wrapper.find('[data-testid="incident-notice"]').text()).toBe('1 incident acknowledged.')
    expect(wrapper.findAll('[data-testid="incident-row"]')[0]?.find('[data-testid="incident-acked"]').exists()).toBe(
      true,
    )

    await wrapper.find('[data-testid="incident-select-all"]').setValue(true)
    expect(button.text()).toBe('Acknowledge selected (1)')
  })

  it('keeps the filter in the URL and asks the server for that state only', async () => {
    const calls = fakeApi({ 'GET /api/v1/incidents': () => [] })
    const { wrapper, router } = await mountPage('/incidents?show=resolved')
    expect(calls[0]?.key).toBe('GET /api/v1/incidents?days=30&limit=200&resolved=true')
    expect(wrapper.find('[data-testid="incidents-empty"]').text()).toContain(
      'No incident was resolved in the last 30 days.',
    )

    await wrapper.find('[data-testid="incident-filter-open"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ show: 'open' })
    expect(calls.at(-1)?.key).toBe('GET /api/v1/incidents?days=30&limit=200&resolved=false')
  })

  it('names the affected probes for a superadmin', async () => {
    fakeApi({
      'GET /api/v1/incidents': () => [openGlobal],
      'GET /api/v1/probes': () => [
        { id: 'p1', name: 'paris' },
        { id: 'p2', name: 'tokyo' },
      ],
    })
    useAuthStore().user = { is_superadmin: true } as ReturnType<typeof useAuthStore>['user']
    const { wrapper } = await mountPage()
    expect(wrapper.find('[data-testid="incident-probes"]').text()).toBe('paris, tokyo, p3')
  })
})
