import { flushPromises, mount } from '@vue/test-utils'
import type { Monitor, MonitorGroup, Tag } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { useRealtimeStore } from '../../../stores/realtime'
import { loadTagRules } from '../../groups/tagRules'
import { fakeRealtime } from '../../groups/test/fake-realtime'
import { fakeApi, json } from '../../incidents/test/fake-api'
import { STORAGE_KEY } from '../composables/listState'
import MonitorListPage from './MonitorListPage.vue'

const Blank = defineComponent({ render: () => null })

const monitor = (id: string, status: Monitor['status'], check_type = 'http', extra: Partial<Monitor> = {}): Monitor =>
  ({
    id,
    name: `M ${id}`,
    check_type,
    target: `https://${id}`,
    status,
    enabled: true,
    last_checked_at: null,
    last_response_time_ms: null,
    group_id: null,
    tags: [],
    ...extra,
  }) as unknown as Monitor

const ALL = [
  monitor('a', 'up', 'http', { group_id: 'g1', tags: ['env:prod', 'critical', 'team:core'] }),
  monitor('b', 'down'),
  monitor('c', 'down', 'tcp'),
  monitor('d', 'paused'),
]
const GROUPS: MonitorGroup[] = [
  {
    id: 'g1',
    name: 'Shop',
    description: null,
    monitor_count: 1,
    status_counts: { up: 1, down: 0, degraded: 0, paused: 0, unknown: 0 },
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  },
]
const TAGS: Tag[] = [{ id: 't1', key: 'env', value: 'prod', label: 'env:prod', color: '#ff0000', monitor_count: 1 }]

/** The list page's other requests: groups, tags and row statistics (empty unless given). */
const side = (stats: Record<string, unknown> = {}) => ({
  'GET /api/v1/groups': () => GROUPS,
  'GET /api/v1/tags': () => TAGS,
  'GET /api/v1/analytics/monitors': () => stats,
})

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

/** A list endpoint that filters like the server: status, kind, group_id (`none`), tag; paginated. */
function serverList(url: URL): Response {
  const p = url.searchParams
  const rows = ALL.filter(
    (m) =>
      (!p.get('status') || m.status === p.get('status')) &&
      (!p.get('kind') || m.check_type === p.get('kind')) &&
      (!p.get('group_id') || (p.get('group_id') === 'none' ? m.group_id === null : m.group_id === p.get('group_id'))) &&
      (!p.get('tag') || m.tags.includes(p.get('tag') ?? '')),
  )
  const offset = Number(p.get('offset') ?? 0)
  const page = rows.slice(offset, offset + Number(p.get('limit') ?? 100))
  return new Response(JSON.stringify(page), {
    headers: { 'Content-Type': 'application/json', 'X-Total-Count': String(rows.length) },
  })
}

/** Lets the list's state watcher, its 0 ms debounce and the requests it starts all finish. */
async function settle(): Promise<void> {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 5))
  await flushPromises()
}

const names = (w: { findAll(s: string): { text(): string }[] }) =>
  w.findAll('[data-testid="monitor-name"]').map((n) => n.text())

type Wrapper = Awaited<ReturnType<typeof mountPage>>['wrapper']
/** The ids whose row checkbox is ticked, in row order. */
const ticked = (w: Wrapper) =>
  w
    .findAll('[data-testid="monitor-row"]')
    .filter((r) => (r.get('[data-testid="monitor-select"]').element as HTMLInputElement).checked)
    .map((r) => r.attributes('data-monitor-id'))
const box = (w: Wrapper, id: string) => w.get(`[data-monitor-id="${id}"] [data-testid="monitor-select"]`)
/** A mouse click on a row's box (the browser ticks it and fires change), Shift held or not. */
async function click(w: Wrapper, id: string, shiftKey = false): Promise<void> {
  await box(w, id).trigger('click', { shiftKey, detail: 1 })
  await flushPromises()
}
/** Space on a focused box, Shift held or not: keydown, then the click the key press synthesises (detail 0, no Shift). */
async function space(w: Wrapper, id: string, shiftKey = false): Promise<void> {
  await box(w, id).trigger('keydown', { key: ' ', shiftKey })
  await box(w, id).trigger('click', { detail: 0 })
  await flushPromises()
}

// The tag rules load lazily in the app; loaded up front here, checks take microtasks, not an import.
beforeAll(() => loadTagRules())
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
      ...side(),
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

  it('sends status, kind, group and tag from the URL to the server, and remembers changes', async () => {
    const calls = fakeApi({ ...side(), 'GET /api/v1/monitors': (_b, url) => serverList(url) })
    const { wrapper, router } = await mountPage('/monitors?status=down&kind=tcp&group=none&tag=env:dev')
    const list = calls.filter((c) => c.key.startsWith('GET /api/v1/monitors'))
    expect(list[0]?.key).toBe('GET /api/v1/monitors?limit=50&offset=0&status=down&kind=tcp&group_id=none&tag=env%3Adev')
    expect(names(wrapper)).toEqual([])
    expect(wrapper.find('[data-testid="monitors-no-match"]').exists()).toBe(true)

    await wrapper.get('[data-testid="filter-tag"]').setValue('null')
    await settle()
    expect(names(wrapper)).toEqual(['M c'])
    await wrapper.get('[data-testid="filter-kind"]').setValue('null')
    await wrapper.get('[data-testid="filter-group"]').setValue('null')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ status: 'down' })
    expect(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}')).toEqual({ status: 'down' })
    expect(names(wrapper)).toEqual(['M b', 'M c'])

    await wrapper.get('[data-testid="filter-status"]').setValue('null')
    await wrapper.get('[data-testid="filter-group"]').setValue('g1')
    await settle()
    expect(calls.at(-1)?.key).toMatch(/^GET \/api\/v1\/(monitors\?limit=50&offset=0&group_id=g1|analytics)/)
    expect(router.currentRoute.value.query).toEqual({ group: 'g1' })
    expect(names(wrapper)).toEqual(['M a'])
    // The group's name and the row's tags (two chips, the rest summed up) come from the filter lists.
    expect(wrapper.get('[data-testid="monitor-group"]').text()).toBe('Shop')
    expect(wrapper.findAll('[data-testid="tag-chip"]').map((c) => c.text())).toEqual(['env:prod', 'critical'])
    expect(wrapper.get('[data-testid="monitor-tags"]').text()).toContain('+1')
  })

  it('restores the last filters from localStorage when the URL has none', async () => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ status: 'paused' }))
    const calls = fakeApi({ ...side(), 'GET /api/v1/monitors': (_b, url) => serverList(url) })
    const { wrapper, router } = await mountPage('/monitors')
    expect(names(wrapper)).toEqual(['M d'])
    // The page's row statistics: one request for the ids on the page.
    expect(calls.filter((c) => c.key.startsWith('GET /api/v1/analytics/monitors')).map((c) => c.key)).toEqual([
      'GET /api/v1/analytics/monitors?ids=d',
    ])
    expect(router.currentRoute.value.query).toEqual({ status: 'paused' })
  })
  it('updates statuses live from realtime events, without refetching', async () => {
    const calls = fakeApi({ ...side(), 'GET /api/v1/monitors': () => json(200, ALL) })
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

  it('pauses the selection in one bulk call and reports what was not found', async () => {
    const calls = fakeApi({
      ...side(),
      'GET /api/v1/monitors': () => json(200, ALL),
      'POST /api/v1/monitors/bulk': () => ({ affected: 1, not_found: ['b'] }),
    })
    const { wrapper } = await mountPage('/monitors')
    const boxes = wrapper.findAll('[data-testid="monitor-select"]')
    await boxes[0]?.setValue(true)
    await boxes[1]?.setValue(true)
    expect(wrapper.get('[data-testid="bulk-bar"]').text()).toContain('2 monitors selected')
    await wrapper.get('[data-testid="bulk-pause"]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.key === 'POST /api/v1/monitors/bulk').map((c) => c.body)).toEqual([
      { ids: ['a', 'b'], action: 'pause' },
    ])
    expect(wrapper.find('[data-testid="bulk-bar"]').exists()).toBe(false)
    const result = wrapper.get('[data-testid="bulk-result"]').text()
    expect(result).toContain('1 of 2')
    expect(result).toContain('M b')
  })

  it("Shift+click gives every row from the last clicked one the clicked box's new state", async () => {
    const calls = fakeApi({
      ...side(),
      'GET /api/v1/monitors': () => json(200, ALL),
      'POST /api/v1/monitors/bulk': () => ({ affected: 3, not_found: [] }),
    })
    const { wrapper } = await mountPage('/monitors')
    await click(wrapper, 'a')
    await click(wrapper, 'c', true)
    expect(ticked(wrapper)).toEqual(['a', 'b', 'c'])
    // Upwards, onto a ticked box: the range is unticked, from the anchor (c) to b.
    await click(wrapper, 'b', true)
    expect(ticked(wrapper)).toEqual(['a'])
    // The anchor is now b: down to d ticks b, c and d.
    await click(wrapper, 'd', true)
    expect(ticked(wrapper)).toEqual(['a', 'b', 'c', 'd'])
    // A plain click toggles one row and moves the anchor.
    await click(wrapper, 'c')
    expect(ticked(wrapper)).toEqual(['a', 'b', 'd'])
    await click(wrapper, 'a', true)
    expect(ticked(wrapper)).toEqual(['d'])
    await click(wrapper, 'b', true)
    expect(ticked(wrapper)).toEqual(['a', 'b', 'd'])
    expect(wrapper.get('[data-testid="bulk-bar"]').text()).toContain('3 monitors selected')
    await wrapper.get('[data-testid="bulk-pause"]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.key === 'POST /api/v1/monitors/bulk').map((c) => c.body)).toEqual([
      { ids: ['a', 'b', 'd'], action: 'pause' },
    ])
  })

  it('Shift+Space on a focused box selects the range too; select-all resets the anchor', async () => {
    fakeApi({ ...side(), 'GET /api/v1/monitors': () => json(200, ALL) })
    const { wrapper } = await mountPage('/monitors')
    await space(wrapper, 'd')
    expect(ticked(wrapper)).toEqual(['d'])
    await space(wrapper, 'b', true)
    expect(ticked(wrapper)).toEqual(['b', 'c', 'd'])
    // A Shift+Space that ended without a change does not make the next mouse click a range.
    await box(wrapper, 'a').trigger('keydown', { key: ' ', shiftKey: true })
    await click(wrapper, 'a')
    expect(ticked(wrapper)).toEqual(['a', 'b', 'c', 'd'])
    await click(wrapper, 'c')
    expect(ticked(wrapper)).toEqual(['a', 'b', 'd'])
    // After "select all" there is no anchor: a Shift+click is a plain click.
    await wrapper.get('[data-testid="monitor-select-all"]').setValue(true)
    await flushPromises()
    await wrapper.get('[data-testid="monitor-select-all"]').setValue(false)
    await flushPromises()
    await click(wrapper, 'c', true)
    expect(ticked(wrapper)).toEqual(['c'])
  })

  it('refreshes the group and tag filter options, debounced, when groups or tags change elsewhere', async () => {
    let groups = GROUPS
    let tags = TAGS
    const calls = fakeApi({
      ...side(),
      'GET /api/v1/groups': () => groups,
      'GET /api/v1/tags': () => tags,
      'GET /api/v1/monitors': () => json(200, ALL),
    })
    const emit = fakeRealtime()
    const { wrapper } = await mountPage('/monitors')
    const options = (id: string) =>
      wrapper
        .get(`[data-testid="${id}"]`)
        .findAll('option')
        .map((o) => o.text())
    const count = (key: string) => calls.filter((c) => c.key === key).length
    const before = { groups: count('GET /api/v1/groups'), tags: count('GET /api/v1/tags') }

    groups = [...GROUPS, { ...(GROUPS[0] as MonitorGroup), id: 'g2', name: 'Ops' }]
    // A burst in three frames, and events that are not about groups or tags.
    emit({ type: 'GroupCreated', data: { groupId: 'g2', ownerId: 'u' } })
    emit({ type: 'GroupUpdated', data: { groupId: 'g2', ownerId: 'u' } })
    emit(
      { type: 'GroupUpdated', data: { groupId: 'g1', ownerId: 'u' } },
      { type: 'ProbeOnline', data: { probeId: 'p' } },
    )
    await flushPromises()
    expect(count('GET /api/v1/groups')).toBe(before.groups)
    await vi.waitFor(() => expect(options('filter-group')).toContain('Ops'))
    await new Promise((r) => setTimeout(r, 400))
    expect(count('GET /api/v1/groups')).toBe(before.groups + 1)
    expect(count('GET /api/v1/tags')).toBe(before.tags)

    tags = [...TAGS, { id: 't2', key: 'team', value: 'core', label: 'team:core', color: null, monitor_count: 1 }]
    emit({ type: 'TagCreated', data: { tagId: 't2', ownerId: 'u' } })
    await vi.waitFor(() => expect(options('filter-tag')).toEqual(['Any tag', 'env:prod', 'team:core']))
    expect(count('GET /api/v1/tags')).toBe(before.tags + 1)
    expect(count('GET /api/v1/groups')).toBe(before.groups + 1)
  })

  it('deletes only after confirmation', async () => {
    const calls = fakeApi({
      ...side(),
      'GET /api/v1/monitors': () => json(200, ALL),
      'POST /api/v1/monitors/bulk': () => ({ affected: 1, not_found: [] }),
    })
    const { wrapper } = await mountPage('/monitors')
    await wrapper.findAll('[data-testid="monitor-select"]')[2]?.setValue(true)
    await wrapper.get('[data-testid="bulk-delete"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.key === 'POST /api/v1/monitors/bulk')).toBe(false)
    const dialog = wrapper.get('dialog')
    expect(dialog.text()).toContain('M c')
    await dialog.findAll('button').at(-1)?.trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.key === 'POST /api/v1/monitors/bulk').map((c) => c.body)).toEqual([
      { ids: ['c'], action: 'delete' },
    ])
  })

  it('moves to a group, out of any group, and adds/removes a validated tag', async () => {
    const calls = fakeApi({
      ...side(),
      'GET /api/v1/monitors': () => json(200, ALL),
      'POST /api/v1/monitors/bulk': (body) => ({ affected: (body as { ids: string[] }).ids.length, not_found: [] }),
    })
    const { wrapper } = await mountPage('/monitors')
    const select = async (...idx: number[]) => {
      for (const i of idx) await wrapper.findAll('[data-testid="monitor-select"]')[i]?.setValue(true)
    }
    await select(1, 3)
    await wrapper.get('[data-testid="bulk-group"]').setValue('g1')
    await wrapper.get('[data-testid="bulk-move"]').trigger('click')
    await flushPromises()
    await select(0)
    await wrapper.get('[data-testid="bulk-group"]').setValue('none')
    await wrapper.get('[data-testid="bulk-move"]').trigger('click')
    await flushPromises()

    await select(0, 2)
    await wrapper.get('[data-testid="bulk-tag"]').setValue('bad,tag')
    await wrapper.get('[data-testid="bulk-add-tag"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="bulk-tag"]').attributes('aria-invalid')).toBe('true'))
    expect(wrapper.get('[data-testid="bulk-bar"]').text()).toContain('is not a tag')
    await wrapper.get('[data-testid="bulk-tag"]').setValue(' env:prod ')
    await wrapper.get('[data-testid="bulk-add-tag"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="bulk-bar"]').exists()).toBe(false))
    await flushPromises()
    await select(0)
    await wrapper.get('[data-testid="bulk-tag"]').setValue('critical')
    await wrapper.get('[data-testid="bulk-remove-tag"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="bulk-bar"]').exists()).toBe(false))
    await flushPromises()

    expect(calls.filter((c) => c.key === 'POST /api/v1/monitors/bulk').map((c) => c.body)).toEqual([
      { ids: ['b', 'd'], action: 'set_group', group_id: 'g1' },
      { ids: ['a'], action: 'set_group', group_id: null },
      { ids: ['a', 'c'], action: 'add_tags', tags: ['env:prod'] },
      { ids: ['a'], action: 'remove_tags', tags: ['critical'] },
    ])
    // Counts on the group and tag lists follow each action.
    expect(calls.filter((c) => c.key === 'GET /api/v1/groups').length).toBeGreaterThanOrEqual(5)
  })

  it('renders only the rows in view of a 500-row page, with its statistics in two requests', async () => {
    const many = Array.from({ length: 500 }, (_, i) => monitor(`m${String(i).padStart(3, '0')}`, 'up'))
    const stats = Object.fromEntries(
      many.map((m, i) => [
        m.id,
        { uptime_24h: 99.5, p95_response_time_ms: 80, avg_response_time_ms: 50, sparkline: [i, null, i + 10, 40] },
      ]),
    )
    const calls = fakeApi({
      ...side(stats),
      'GET /api/v1/monitors': () =>
        new Response(JSON.stringify(many), {
          headers: { 'Content-Type': 'application/json', 'X-Total-Count': '10000' },
        }),
    })
    const { wrapper } = await mountPage('/monitors?size=500')
    // 500 ids in one URL pass Node's 16 KB request-head limit: two halves of 250.
    const statsCalls = calls.filter((c) => c.key.startsWith('GET /api/v1/analytics/monitors'))
    const asked = statsCalls.map((c) => new URL(c.key.slice(4), 'http://x').searchParams.get('ids')?.split(',') ?? [])
    expect(asked.map((ids) => ids.length)).toEqual([250, 250])
    expect(asked.flat()).toEqual(many.map((m) => m.id))
    const rows = wrapper.findAll('[data-testid="monitor-row"]')
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.length).toBeLessThan(40)
    expect(rows[0]?.attributes('aria-rowindex')).toBe('2')
    expect(wrapper.get('table').attributes('aria-rowcount')).toBe('501')
    expect(wrapper.findAll('[data-testid="monitor-sparkline"]')).toHaveLength(rows.length)
    expect(wrapper.get('[data-testid="monitor-uptime"]').text()).toBe('99.5%')

    // Scrolling far down swaps the rendered rows; the spacers keep the full height.
    const scroller = wrapper.get('[data-testid="monitor-table"]')
    ;(scroller.element as HTMLElement).scrollTop = 44 * 300
    await scroller.trigger('scroll')
    const after = wrapper.findAll('[data-testid="monitor-row"]')
    expect(after.length).toBeLessThan(40)
    expect(after.map((r) => r.attributes('data-monitor-id'))).toContain('m300')
    expect(after.map((r) => r.attributes('data-monitor-id'))).not.toContain('m000')

    // Keyboard: End from a row's checkbox renders and focuses the last row's checkbox.
    await after[0]?.get('[data-testid="monitor-select"]').trigger('keydown', { key: 'End' })
    await flushPromises()
    expect(document.activeElement?.closest('tr')?.getAttribute('data-monitor-id')).toBe('m499')
    expect(document.activeElement?.getAttribute('data-testid')).toBe('monitor-select')
    // A shared, loaded machine: rendering a 500-row page in happy-dom can take a few seconds.
  }, 30_000)
})
