import { flushPromises, mount } from '@vue/test-utils'
import type { IncidentDetailDto } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { detail, fakeApi } from '../test/fake-api'
import IncidentDetailPage from './IncidentDetailPage.vue'

const NOW = Date.parse('2026-03-01T10:05:00.000Z')
const Blank = defineComponent({ render: () => null })

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/incidents', name: 'incidents', component: Blank },
      { path: '/incidents/:id', name: 'incident', component: IncidentDetailPage, props: true },
      { path: '/monitors/:id', name: 'monitor', component: Blank },
    ],
  })
  await router.push('/incidents/inc-1')
  await router.isReady()
  const wrapper = mount(IncidentDetailPage, {
    props: { id: 'inc-1' },
    global: { plugins: [i18n, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

/** The incident as the server holds it; actions below change it the way the real routes do. */
let current: IncidentDetailDto

beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
  current = detail()
})
afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

const routes = () => ({
  'GET /api/v1/incidents/inc-1': () => current,
  'GET /api/v1/incidents/inc-1/postmortem': () => ({
    content: '# Post-mortem: Shop\n\n<script>alert(1)</script>',
    generated_at: new Date(NOW).toISOString(),
  }),
  'POST /api/v1/incidents/inc-1/snooze': (body: unknown) => {
    const minutes = (body as { duration_minutes: number }).duration_minutes
    current = { ...current, snooze_until: new Date(NOW + minutes * 60_000).toISOString() }
    return current
  },
  'POST /api/v1/incidents/inc-1/unsnooze': () => {
    current = { ...current, snooze_until: null }
    return current
  },
})

describe('IncidentDetailPage', () => {
  it('snoozes from the menu with the picked duration, then offers to end the snooze', async () => {
    const calls = fakeApi(routes())
    const wrapper = await mountPage()
    const trigger = wrapper.find('[data-testid="incident-snooze"]')
    expect(trigger.attributes('aria-expanded')).toBe('false')

    await trigger.trigger('click')
    expect(trigger.attributes('aria-expanded')).toBe('true')
    const items = wrapper.findAll('[role="menuitem"]')
    expect(items.map((i) => i.text())).toEqual(['For 5 min', 'For 15 min', 'For 1 hr', 'For 4 hr', 'For 24 hr'])

    await wrapper.find('[data-testid="snooze-60"]').trigger('click')
    await flushPromises()

    expect(calls.filter((c) => c.key.startsWith('POST'))).toEqual([
      { key: 'POST /api/v1/incidents/inc-1/snooze', body: { duration_minutes: 60 } },
    ])
    expect(trigger.attributes('aria-expanded')).toBe('false')
    expect(wrapper.find('[data-testid="incident-snoozed"]').exists()).toBe(true)

    await wrapper.find('[data-testid="incident-unsnooze"]').trigger('click')
    await flushPromises()
    expect(calls.at(-1)?.key).toBe('POST /api/v1/incidents/inc-1/unsnooze')
    expect(wrapper.find('[data-testid="incident-snoozed"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="incident-unsnooze"]').exists()).toBe(false)
  })

  it('shows the timeline in words and the draft post-mortem, escaped', async () => {
    fakeApi(routes())
    const wrapper = await mountPage()
    expect(wrapper.findAll('[data-testid="timeline-event"]').map((e) => e.find('.timeline__label').text())).toEqual([
      'Incident opened, scope Regional',
      'Escalated from Regional to Global',
    ])
    const pm = wrapper.find('[data-testid="postmortem"]')
    expect(pm.find('h3').text()).toBe('Post-mortem: Shop')
    expect(pm.find('script').exists()).toBe(false)
    expect(pm.text()).toContain('<script>alert(1)</script>')

    setLocale('fr', false)
    await flushPromises()
    expect(wrapper.find('[data-testid="timeline-event"] .timeline__label').text()).toBe(
      'Incident ouvert, portée Régional',
    )
  })
})
