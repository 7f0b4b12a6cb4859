import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AlertRule } from '../../../api/alerting'
import { i18n } from '../../../i18n'
import { alertingRoutes } from '../index'
import RulesPage from './RulesPage.vue'

const alerting = vi.hoisted(() => ({
  listRules: vi.fn(),
  listChannels: vi.fn(),
  createRule: vi.fn(),
  updateRule: vi.fn(),
  deleteRule: vi.fn(),
}))
const groupsApi = vi.hoisted(() => ({ listGroups: vi.fn(), listTags: vi.fn() }))
const monitorsApi = vi.hoisted(() => ({ listMonitors: vi.fn() }))
vi.mock('../../../api/alerting', async (orig) => ({ ...(await orig<object>()), ...alerting }))
vi.mock('../../groups/api', () => groupsApi)
vi.mock('../../../api/monitors', () => monitorsApi)

const PARAMS = {
  threshold: null,
  min_duration_seconds: 0,
  renotify_minutes: 0,
  schedule: null,
  storm_max: null,
  storm_window_seconds: 600,
  digest_minutes: 0,
}
const rule: AlertRule = {
  ...PARAMS,
  id: 'r1',
  name: 'Shop slower than usual',
  condition: 'response_time_above_baseline',
  target: { kind: 'group', group_id: 'g1' },
  enabled: true,
  channel_ids: [],
  owner_id: 'u1',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
}

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/', component: RulesPage }, ...alertingRoutes],
  })
  await router.push('/')
  const w = mount(RulesPage, { global: { plugins: [i18n, router] } })
  await flushPromises()
  return w
}

beforeEach(() => {
  setActivePinia(createPinia())
  for (const f of [...Object.values(alerting), ...Object.values(groupsApi), ...Object.values(monitorsApi)])
    f.mockReset()
  alerting.listRules.mockResolvedValue([rule])
  alerting.listChannels.mockResolvedValue([])
  monitorsApi.listMonitors.mockResolvedValue({ items: [{ id: 'm1', name: 'shop' }] })
  groupsApi.listGroups.mockResolvedValue([{ id: 'g1', name: 'Checkout' }])
  groupsApi.listTags.mockResolvedValue([{ id: 't1', label: 'env:prod', key: 'env', value: 'prod' }])
})

describe('RulesPage', () => {
  it('lists a group rule by the group’s name and the new condition’s label', async () => {
    const w = await mountPage()
    const row = w.get('[data-testid="rule-row"]')
    expect(row.text()).toContain('Slower than usual')
    expect(row.text()).toContain('group Checkout')
  })

  it('creates an SLO burn rule for a tag selector with its threshold', async () => {
    alerting.createRule.mockResolvedValue(rule)
    const w = await mountPage()
    await w.get('button.btn--primary').trigger('click')
    await w.get('input[name="rule-name"]').setValue('Budget burning')
    await w.get('#rule-condition').setValue('slo_burn_fast')
    await w.get('#rule-target').setValue('tag')
    await w.get('#rule-tags').setValue('env:prod, team:core')
    expect(w.get('label[for="rule-threshold"]').text()).toBe('Burn rate threshold (×)')
    expect(w.get('#rule-threshold').attributes('placeholder')).toBe('14.4')
    await w.get('#rule-threshold').setValue('10')
    await w.get('[data-testid="rule-form"]').trigger('submit')
    await flushPromises()
    expect(alerting.createRule).toHaveBeenCalledWith({
      ...PARAMS,
      threshold: 10,
      name: 'Budget burning',
      condition: 'slo_burn_fast',
      target: { kind: 'tag', tags: ['env:prod', 'team:core'] },
      enabled: true,
      channel_ids: [],
    })
  })

  it('creates a rule for a group', async () => {
    alerting.createRule.mockResolvedValue(rule)
    const w = await mountPage()
    await w.get('button.btn--primary').trigger('click')
    await w.get('input[name="rule-name"]').setValue('Checkout anomaly')
    await w.get('#rule-condition').setValue('anomaly')
    await w.get('#rule-target').setValue('group')
    expect((w.get('#rule-group').element as HTMLSelectElement).value).toBe('g1')
    await w.get('[data-testid="rule-form"]').trigger('submit')
    await flushPromises()
    expect(alerting.createRule.mock.calls[0]![0]).toMatchObject({
      condition: 'anomaly',
      target: { kind: 'group', group_id: 'g1' },
    })
  })

  it('edits a rule: condition and target fixed, the rest patched', async () => {
    alerting.updateRule.mockResolvedValue(rule)
    const w = await mountPage()
    await w.get('[data-testid="rule-edit"]').trigger('click')
    expect(w.get('#rule-condition').attributes('disabled')).toBeDefined()
    expect(w.get('#rule-target').attributes('disabled')).toBeDefined()
    expect((w.get('input[name="rule-name"]').element as HTMLInputElement).value).toBe('Shop slower than usual')
    await w.get('input[name="rule-name"]').setValue('Shop slow')
    await w.get('#rule-threshold').setValue('3')
    await w.get('[data-testid="rule-enabled"]').setValue(false)
    await w.get('[data-testid="rule-form"]').trigger('submit')
    await flushPromises()
    expect(alerting.updateRule).toHaveBeenCalledWith('r1', {
      ...PARAMS,
      threshold: 3,
      name: 'Shop slow',
      enabled: false,
      channel_ids: [],
    })
    expect(w.find('[data-testid="rule-form"]').exists()).toBe(false)
  })

  it('enables/disables and deletes from the list', async () => {
    const w = await mountPage()
    await w.get('[data-testid="rule-row"] input[type="checkbox"]').trigger('change')
    await flushPromises()
    expect(alerting.updateRule).toHaveBeenCalledWith('r1', { enabled: false })
    vi.stubGlobal('confirm', () => true)
    await w.get('[data-testid="rule-row"] .btn--danger').trigger('click')
    await flushPromises()
    expect(alerting.deleteRule).toHaveBeenCalledWith('r1')
  })
})
