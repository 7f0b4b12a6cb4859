import { flushPromises, mount } from '@vue/test-utils'
import type { Monitor, MonitorGroup, Tag } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { fakeApi, json } from '../../incidents/test/fake-api'
import { loadTagRules } from '../tagRules'
import { fakeRealtime } from '../test/fake-realtime'
import GroupPage from './GroupPage.vue'
import GroupsPage from './GroupsPage.vue'

const Blank = defineComponent({ render: () => null })

const group = (id: string, name: string, extra: Partial<MonitorGroup> = {}): MonitorGroup => ({
  id,
  name,
  description: null,
  monitor_count: 3,
  status_counts: { up: 2, down: 1, degraded: 0, paused: 0, unknown: 0 },
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  ...extra,
})
const tag = (id: string, label: string, monitor_count = 2, color: string | null = null): Tag => {
  const [key = '', value = null] = label.split(':')
  return { id, key, value, label, color, monitor_count }
}

async function mountAt(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/groups', name: 'groups', component: GroupsPage },
      { path: '/groups/:id', name: 'group', component: GroupPage, props: true },
      { path: '/monitors', name: 'monitors', component: Blank },
      { path: '/monitors/:id', name: 'monitor', component: Blank },
      { path: '/alerts/channels', name: 'alert-channels', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const App = defineComponent({ template: '<RouterView />' })
  const wrapper = mount(App, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

const posts = (calls: { key: string; body: unknown }[], key: string) =>
  calls.filter((c) => c.key === key).map((c) => c.body)

// The tag rules load lazily in the app; loaded up front here, checks take microtasks, not an import.
beforeAll(() => loadTagRules())
beforeEach(() => {
  setActivePinia(createPinia())
  setLocale('en', false)
})
afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('GroupsPage', () => {
  it('lists groups with member and status counts, linking to the filtered monitors list', async () => {
    fakeApi({
      'GET /api/v1/groups': () => [group('g2', 'Shop', { description: 'Storefront' }), group('g1', 'Auth')],
      'GET /api/v1/tags': () => [],
    })
    const { wrapper } = await mountAt('/groups')
    const rows = wrapper.findAll('[data-testid="group-row"]')
    expect(rows.map((r) => r.get('[data-testid="group-name"]').text())).toEqual(['Auth', 'Shop'])
    expect(rows[1]?.text()).toContain('Storefront')
    expect(rows[0]?.get('[data-testid="group-monitor-count"]').attributes('href')).toBe('/monitors?group=g1')
    expect(rows[0]?.findAll('[data-testid="group-status-counts"] li').map((li) => li.text())).toEqual([
      '1 Down',
      '2 Up',
    ])
  })

  it('shows an empty state with a next step, and creates a group with the exact body', async () => {
    const calls = fakeApi({
      'GET /api/v1/groups': () => [],
      'GET /api/v1/tags': () => [],
      'POST /api/v1/groups': (body) =>
        (body as { name: string }).name === 'Taken'
          ? json(409, { code: 'CONFLICT', message: 'A group with this name exists', requestId: 'r' })
          : group('g9', (body as { name: string }).name),
    })
    const { wrapper } = await mountAt('/groups')
    expect(wrapper.get('[data-testid="groups-empty"]').text()).toContain('No group yet')
    await wrapper.get('[data-testid="group-create-first"]').trigger('click')

    await wrapper.get('[data-testid="group-save"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="group-form"]').text()).toContain('This field is required.')

    await wrapper.get('input[name="group-name"]').setValue('Taken')
    await wrapper.get('[data-testid="group-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="group-form-error"]').text()).toBe('A group with this name exists')

    await wrapper.get('input[name="group-name"]').setValue('  Payments ')
    await wrapper.get('textarea[name="group-description"]').setValue('Card flows')
    await wrapper.get('[data-testid="group-form"]').trigger('submit')
    await flushPromises()
    expect(posts(calls, 'POST /api/v1/groups')).toEqual([
      { name: 'Taken', description: null },
      { name: 'Payments', description: 'Card flows' },
    ])
    expect(wrapper.find('[data-testid="group-form"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="group-name"]').map((n) => n.text())).toEqual(['Payments'])
  })

  it('renames and deletes a group (after confirmation)', async () => {
    const calls = fakeApi({
      'GET /api/v1/groups': () => [group('g1', 'Auth')],
      'GET /api/v1/tags': () => [],
      'PATCH /api/v1/groups/g1': (body) => group('g1', (body as { name: string }).name),
      'DELETE /api/v1/groups/g1': () => undefined,
    })
    const { wrapper } = await mountAt('/groups')
    await wrapper.get('[data-testid="group-edit"]').trigger('click')
    await wrapper.get('input[name="group-name"]').setValue('Identity')
    await wrapper.get('[data-testid="group-form"]').trigger('submit')
    await flushPromises()
    expect(posts(calls, 'PATCH /api/v1/groups/g1')).toEqual([{ name: 'Identity', description: null }])
    expect(wrapper.get('[data-testid="group-name"]').text()).toBe('Identity')

    await wrapper.get('[data-testid="group-delete"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.key.startsWith('DELETE'))).toBe(false)
    await wrapper.get('dialog').findAll('button').at(-1)?.trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.key === 'DELETE /api/v1/groups/g1')).toHaveLength(1)
    expect(wrapper.find('[data-testid="groups-empty"]').exists()).toBe(true)
  })

  it('manages tags on their tab: usage links, rename (validated), recolour, delete', async () => {
    const calls = fakeApi({
      'GET /api/v1/groups': () => [],
      'GET /api/v1/tags': () => [tag('t1', 'env:prod', 4, '#ff0000'), tag('t2', 'critical', 1)],
      'PATCH /api/v1/tags/t2': (body) => ({ ...tag('t2', 'critical', 1), ...(body as object) }),
      'DELETE /api/v1/tags/t1': () => undefined,
    })
    const { wrapper } = await mountAt('/groups?tab=tags')
    expect(wrapper.get('[data-testid="tab-tags"]').attributes('aria-selected')).toBe('true')
    const rows = () => wrapper.findAll('[data-testid="tag-row"]')
    expect(rows().map((r) => r.get('[data-testid="tag-chip"]').text())).toEqual(['critical', 'env:prod'])
    expect(rows()[1]?.get('[data-testid="tag-usage"]').attributes('href')).toBe('/monitors?tag=env:prod')

    await rows()[0]?.get('[data-testid="tag-rename"]').trigger('click')
    await wrapper.get('[data-testid="tag-rename-input"]').setValue('sev,1')
    await wrapper.get('[data-testid="tag-rename-save"]').trigger('submit')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="tag-error"]').text()).toContain('is not a tag'))
    await wrapper.get('[data-testid="tag-rename-input"]').setValue(' sev:1 ')
    await wrapper.get('[data-testid="tag-rename-save"]').trigger('submit')
    await vi.waitFor(() => expect(posts(calls, 'PATCH /api/v1/tags/t2')).toEqual([{ label: 'sev:1' }]))
    await flushPromises()

    const color = rows()
      .find((r) => r.attributes('data-tag-id') === 't2')
      ?.get('[data-testid="tag-color"]')
    await color?.setValue('#00ff00')
    await color?.trigger('change')
    await flushPromises()
    expect(posts(calls, 'PATCH /api/v1/tags/t2')).toEqual([{ label: 'sev:1' }, { color: '#00ff00' }])

    await rows()
      .find((r) => r.attributes('data-tag-id') === 't1')
      ?.get('[data-testid="tag-delete"]')
      .trigger('click')
    await flushPromises()
    await wrapper.get('dialog').findAll('button').at(-1)?.trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.key === 'DELETE /api/v1/tags/t1')).toHaveLength(1)
    expect(rows().map((r) => r.attributes('data-tag-id'))).toEqual(['t2'])
  })

  it('follows group and tag edits made elsewhere, one refetch per burst', async () => {
    let groups = [group('g1', 'Auth')]
    let tags = [tag('t1', 'env:prod')]
    const calls = fakeApi({ 'GET /api/v1/groups': () => groups, 'GET /api/v1/tags': () => tags })
    const emit = fakeRealtime()
    const { wrapper } = await mountAt('/groups')
    const count = (key: string) => calls.filter((c) => c.key === key).length
    const names = () => wrapper.findAll('[data-testid="group-name"]').map((n) => n.text())
    expect(names()).toEqual(['Auth'])

    groups = [group('g1', 'Identity', { monitor_count: 4 }), group('g2', 'Shop')]
    emit({ type: 'GroupUpdated', data: { groupId: 'g1', ownerId: 'u' } })
    emit({ type: 'GroupCreated', data: { groupId: 'g2', ownerId: 'u' } })
    await vi.waitFor(() => expect(names()).toEqual(['Identity', 'Shop']))
    expect(count('GET /api/v1/groups')).toBe(2)
    expect(count('GET /api/v1/tags')).toBe(1)
    expect(wrapper.get('[data-testid="tab-groups"]').text()).toContain('(2)')

    tags = []
    emit({ type: 'TagDeleted', data: { tagId: 't1', ownerId: 'u' } })
    await vi.waitFor(() => expect(wrapper.get('[data-testid="tab-tags"]').text()).toContain('(0)'))
    expect(count('GET /api/v1/tags')).toBe(2)
    expect(count('GET /api/v1/groups')).toBe(2)
  })

  it("follows its monitors' states in the groups' counts, one refetch per quiet spell", async () => {
    let groups = [group('g1', 'Auth')]
    const calls = fakeApi({ 'GET /api/v1/groups': () => groups, 'GET /api/v1/tags': () => [] })
    const emit = fakeRealtime()
    const { wrapper } = await mountAt('/groups')
    const count = () => calls.filter((c) => c.key === 'GET /api/v1/groups').length
    expect(count()).toBe(1)
    expect(wrapper.findAll('[data-testid="group-status-counts"] li').map((li) => li.text())).toEqual(['1 Down', '2 Up'])

    vi.useFakeTimers()
    try {
      groups = [group('g1', 'Auth', { status_counts: { up: 0, down: 1, degraded: 0, paused: 0, unknown: 0 } })]
      emit({ type: 'MonitorStateChanged', data: { monitorId: 'a', ownerId: 'u', to: 'down' } })
      await vi.advanceTimersByTimeAsync(1_000)
      emit({ type: 'MonitorUpdated', data: { monitorId: 'b', ownerId: 'u' } })
      await vi.advanceTimersByTimeAsync(1_900)
      expect(count()).toBe(1) // still within the quiet time of the second event
      await vi.advanceTimersByTimeAsync(200)
      expect(count()).toBe(2)
    } finally {
      vi.useRealTimers()
    }
    const counts = () => wrapper.findAll('[data-testid="group-status-counts"] li').map((li) => li.text())
    await vi.waitFor(() => expect(counts()).toEqual(['1 Down']))
  })

  it('shows the tags empty state with a next step', async () => {
    fakeApi({ 'GET /api/v1/groups': () => [], 'GET /api/v1/tags': () => [] })
    const { wrapper } = await mountAt('/groups?tab=tags')
    expect(wrapper.get('[data-testid="tags-empty"]').text()).toContain('No tag yet')
    expect(wrapper.get('[data-testid="tags-empty"] a').attributes('href')).toBe('/monitors')
  })
})

describe('GroupPage', () => {
  const member = (id: string, name: string) =>
    ({
      id,
      name,
      check_type: 'http',
      target: `https://${id}`,
      status: 'up',
      group_id: 'g1',
      tags: ['env:prod'],
      last_checked_at: null,
    }) as unknown as Monitor

  it("lists the group's monitors with their 24 h figures and links to the filtered list", async () => {
    const calls = fakeApi({
      'GET /api/v1/groups': () => [group('g1', 'Shop')],
      'GET /api/v1/tags': () => [],
      'GET /api/v1/groups/g1': () => group('g1', 'Shop', { description: 'Storefront', monitor_count: 2 }),
      'GET /api/v1/groups/g1/monitors': () =>
        new Response(JSON.stringify([member('a', 'Cart'), member('b', 'Checkout')]), {
          headers: { 'Content-Type': 'application/json', 'X-Total-Count': '900' },
        }),
      'GET /api/v1/analytics/monitors': () => ({
        a: { uptime_24h: 100, p95_response_time_ms: 1, avg_response_time_ms: 1, sparkline: [1, 2] },
      }),
    })
    const { wrapper } = await mountAt('/groups/g1')
    expect(wrapper.get('[data-testid="group-title"]').text()).toBe('Shop')
    expect(wrapper.text()).toContain('2 monitors')
    expect(wrapper.findAll('[data-testid="monitor-name"]').map((n) => n.text())).toEqual(['Cart', 'Checkout'])
    expect(wrapper.findAll('[data-testid="monitor-group"]').map((n) => n.text())).toEqual(['Shop', 'Shop'])
    expect(wrapper.findAll('[data-testid="monitor-uptime"]').map((n) => n.text())).toEqual(['100%', '—'])
    expect(calls.filter((c) => c.key.startsWith('GET /api/v1/analytics/monitors'))[0]?.key).toBe(
      'GET /api/v1/analytics/monitors?ids=a%2Cb',
    )
    expect(wrapper.get('[data-testid="group-view-monitors"]').attributes('href')).toBe('/monitors?group=g1')
    // More members than one page: the rest is one link away, in the filtered monitors list.
    expect(calls.find((c) => c.key.startsWith('GET /api/v1/groups/g1/monitors'))?.key).toBe(
      'GET /api/v1/groups/g1/monitors?limit=500',
    )
    const more = wrapper.get('[data-testid="group-members-more"]')
    expect(more.text()).toBe('Showing 2 of 900')
    expect(more.attributes('href')).toBe('/monitors?group=g1')
  })

  it('says so when the group does not exist, and shows an empty state for a group without monitors', async () => {
    fakeApi({
      'GET /api/v1/groups': () => [],
      'GET /api/v1/tags': () => [],
      'GET /api/v1/groups/g2': () => group('g2', 'Empty', { monitor_count: 0 }),
      'GET /api/v1/groups/g2/monitors': () => [],
    })
    const missing = await mountAt('/groups/nope')
    expect(missing.wrapper.find('[data-testid="group-not-found"]').exists()).toBe(true)
    missing.wrapper.unmount()
    const empty = await mountAt('/groups/g2')
    expect(empty.wrapper.get('[data-testid="group-members-empty"]').text()).toContain('No monitor in this group yet.')
  })
  it('reloads in place when this group or one of its members changes elsewhere, and says so once it is deleted', async () => {
    let current: MonitorGroup | null = group('g1', 'Shop', { monitor_count: 1 })
    let members = [member('a', 'Cart')]
    const calls = fakeApi({
      'GET /api/v1/groups': () => [group('g1', 'Shop')],
      'GET /api/v1/tags': () => [],
      'GET /api/v1/groups/g1': () =>
        current ?? json(404, { code: 'NOT_FOUND', message: 'group not found', requestId: 'r' }),
      'GET /api/v1/groups/g1/monitors': () =>
        current ? members : json(404, { code: 'NOT_FOUND', message: 'group not found', requestId: 'r' }),
      'GET /api/v1/analytics/monitors': () => ({}),
    })
    const emit = fakeRealtime()
    const { wrapper } = await mountAt('/groups/g1')
    const reads = () => calls.filter((c) => c.key === 'GET /api/v1/groups/g1').length
    const names = () => wrapper.findAll('[data-testid="monitor-name"]').map((n) => n.text())
    expect(names()).toEqual(['Cart'])

    // Another group, another monitor: nothing to reload.
    emit(
      { type: 'GroupUpdated', data: { groupId: 'g2', ownerId: 'u' } },
      { type: 'MonitorUpdated', data: { monitorId: 'z', ownerId: 'u' } },
    )
    await new Promise((r) => setTimeout(r, 400))
    expect(reads()).toBe(1)

    // A monitor joined (the group is told) and a member went down: one quiet reload.
    current = group('g1', 'Shop', { monitor_count: 2 })
    members = [member('a', 'Cart'), member('b', 'Checkout')]
    emit({ type: 'GroupUpdated', data: { groupId: 'g1', ownerId: 'u' } })
    emit({ type: 'MonitorStateChanged', data: { monitorId: 'a', ownerId: 'u', to: 'down' } })
    await flushPromises()
    await vi.waitFor(() => expect(names()).toEqual(['Cart', 'Checkout']))
    expect(reads()).toBe(2)
    expect(wrapper.text()).toContain('2 monitors')

    // A member renamed elsewhere.
    members = [member('a', 'Basket'), member('b', 'Checkout')]
    emit({ type: 'MonitorUpdated', data: { monitorId: 'a', ownerId: 'u' } })
    await vi.waitFor(() => expect(names()).toEqual(['Basket', 'Checkout']))

    current = null
    emit({ type: 'GroupDeleted', data: { groupId: 'g1', ownerId: 'u' } })
    await vi.waitFor(() => expect(wrapper.find('[data-testid="group-not-found"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="group-title"]').exists()).toBe(false)
  })
})
