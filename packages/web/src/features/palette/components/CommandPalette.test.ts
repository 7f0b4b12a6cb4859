import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { fakeApi, json, summary } from '../../incidents/test/fake-api'
import CommandPalette from './CommandPalette.vue'

const Blank = defineComponent({ render: () => null })

async function setup() {
  fakeApi({
    'GET /api/v1/monitors': () => json(200, [{ id: 'm1', name: 'Checkout API', target: 'https://shop/api' }]),
    'GET /api/v1/incidents': () => json(200, [summary({ id: 'i1', monitor_name: 'Billing DB' })]),
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      '/',
      '/monitors',
      '/monitors/new',
      '/monitors/:id',
      '/incidents',
      '/incidents/:id',
      '/maintenance',
      '/settings',
    ].map((path) => ({
      path,
      name:
        { '/': 'dashboard', '/monitors/new': 'monitor-new', '/monitors/:id': 'monitor', '/incidents/:id': 'incident' }[
          path
        ] ?? path.slice(1),
      component: Blank,
    })),
  })
  await router.push('/')
  await router.isReady()
  const wrapper = mount(CommandPalette, { global: { plugins: [i18n, router] }, attachTo: document.body })
  return { wrapper, router }
}

const press = (key: string, init: KeyboardEventInit = {}) =>
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init }))

beforeEach(() => setLocale('en', false))
afterEach(() => {
  document.body.innerHTML = ''
})

describe('CommandPalette', () => {
  it('opens on Ctrl+K and jumps to a monitor found by fuzzy search', async () => {
    const { wrapper, router } = await setup()
    press('k', { ctrlKey: true })
    await flushPromises()
    const input = wrapper.get('[data-testid="palette-input"]')
    expect(document.activeElement).toBe(input.element)
    await input.setValue('chkapi')
    const items = wrapper.findAll('[data-testid="palette-item"]')
    expect(items[0]?.text()).toContain('Checkout API')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/monitors/m1')
    expect(wrapper.find('[data-testid="palette"]').exists()).toBe(false)
  })

  it('lists actions and incidents, and closes on Escape', async () => {
    const { wrapper, router } = await setup()
    press('k', { metaKey: true })
    await flushPromises()
    const input = wrapper.get('[data-testid="palette-input"]')
    await input.setValue('billing')
    expect(wrapper.findAll('[data-testid="palette-item"]')[0]?.text()).toContain('Billing DB')
    await input.setValue('create')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('monitor-new')
    press('k', { ctrlKey: true })
    await flushPromises()
    await wrapper.get('[data-testid="palette-input"]').trigger('keydown', { key: 'Escape' })
    expect(wrapper.find('[data-testid="palette"]').exists()).toBe(false)
  })

  it('shows the cheatsheet on ? and navigates with g i', async () => {
    const { wrapper, router } = await setup()
    press('?')
    await flushPromises()
    expect(wrapper.find('[data-testid="shortcut-help"]').exists()).toBe(true)
    press('g')
    press('i')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('incidents')
  })
})
