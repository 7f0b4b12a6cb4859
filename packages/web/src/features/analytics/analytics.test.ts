import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n, setLocale } from '../../i18n'
import AnnotationsPanel from './components/AnnotationsPanel.vue'
import SlaReportPanel from './components/SlaReportPanel.vue'
import SloCard from './components/SloCard.vue'
import StorageNotice from './components/StorageNotice.vue'
import UptimeBars from './components/UptimeBars.vue'
import UptimeSummary from './components/UptimeSummary.vue'
import { fakeFetch, json } from './test/fake-fetch'

const mountIt = async <T>(component: T, props: Record<string, unknown> = {}) => {
  const w = mount(component as never, { props, global: { plugins: [i18n] }, attachTo: document.body } as never)
  await flushPromises()
  return w
}
const uptime = (pct: number, extra: object = {}) => ({
  uptime_percent: pct,
  internal_uptime_percent: null,
  external_uptime_percent: pct,
  headline_view: 'external',
  downtime_minutes: 0,
  ...extra,
})
const slo = (extra: object = {}) => ({
  slo_target: 99.9,
  window_days: 30,
  uptime_percent: 99.95,
  error_budget_total_minutes: 43.2,
  error_budget_used_minutes: 21.6,
  error_budget_remaining_minutes: 21.6,
  error_budget_remaining_percent: 50,
  burn_rates: { '5m': 0, '30m': 0, '1h': 0.5, '6h': 1.25, '24h': 2, '3d': 1 },
  alerts: { fast_burn: false, slow_burn: false },
  status: 'healthy',
  ...extra,
})

beforeEach(() => {
  setActivePinia(createPinia())
  setLocale('en', false)
  document.body.innerHTML = ''
})

describe('UptimeSummary', () => {
  it('asks one window per column and shows the headline, the views and the downtime', async () => {
    const calls = fakeFetch({
      'GET /api/v1/monitors/m1/uptime': (_b, url) =>
        url.searchParams.get('hours') === '24' ? uptime(99.5, { downtime_minutes: 7 }) : uptime(100),
    })
    const w = await mountIt(UptimeSummary, { monitorId: 'm1' })
    expect(calls).toEqual([
      'GET /api/v1/monitors/m1/uptime?hours=24',
      'GET /api/v1/monitors/m1/uptime?hours=168',
      'GET /api/v1/monitors/m1/uptime?hours=720',
    ])
    expect(w.find('[data-window="24 h"]').text()).toContain('99.500 %')
    expect(w.find('[data-window="24 h"]').text()).toContain('7 min down')
    expect(w.find('[data-window="30 d"]').text()).toContain('100 %')
  })
})

describe('UptimeBars', () => {
  it('colours each day by its failed share and greys days without data', async () => {
    fakeFetch({
      'GET /api/v1/monitors/m1/history': () => [
        {
          date: '2026-03-01',
          total: 1440,
          uptime_percent: 100,
          down_minutes: 0,
          maintenance_minutes: 0,
          avg_response_time_ms: 1,
        },
        {
          date: '2026-03-02',
          total: 1440,
          uptime_percent: 97,
          down_minutes: 43,
          maintenance_minutes: 0,
          avg_response_time_ms: 1,
        },
        {
          date: '2026-03-03',
          total: 1440,
          uptime_percent: 50,
          down_minutes: 720,
          maintenance_minutes: 0,
          avg_response_time_ms: 1,
        },
      ],
    })
    const w = await mountIt(UptimeBars, { monitorId: 'm1', days: 4, today: new Date('2026-03-04T12:00:00Z') })
    expect(w.findAll('li').map((li) => li.classes().find((c) => c.startsWith('bars__bar--')))).toEqual([
      'bars__bar--up',
      'bars__bar--degraded',
      'bars__bar--down',
      'bars__bar--none',
    ])
    expect(w.findAll('li')[1]?.attributes('title')).toBe('2026-03-02: 97 %')
  })
})

describe('SloCard', () => {
  it('shows the budget, burn rates and the fast-burn alert', async () => {
    fakeFetch({
      'GET /api/v1/monitors/m1/slo': () => slo({ alerts: { fast_burn: true, slow_burn: false }, status: 'at_risk' }),
    })
    const w = await mountIt(SloCard, { monitorId: 'm1' })
    expect(w.text()).toContain('At risk')
    expect(w.text()).toContain('21.6 of 43.2 min left')
    expect(w.find('[data-window="6h"]').text()).toBe('1.25×')
    expect(w.find('[role="alert"]').text()).toMatch(/Fast burn/)
    expect(w.find('[role="meter"]').attributes('aria-valuenow')).toBe('50')
  })

  it('says when there is none, then saves one', async () => {
    const calls = fakeFetch({
      'GET /api/v1/monitors/m1/slo': () => json(404, { code: 'NOT_FOUND', message: 'no', requestId: 'r' }),
      'PUT /api/v1/monitors/m1/slo': (body) => slo({ slo_target: (body as { target: number }).target }),
    })
    const w = await mountIt(SloCard, { monitorId: 'm1', editable: true })
    expect(w.text()).toContain('No SLO set')
    await w.find('input[name="target"]').setValue('99.5')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls).toContain('PUT /api/v1/monitors/m1/slo')
    expect(w.text()).toContain('99.5 % / 30 d')
  })
})

describe('AnnotationsPanel', () => {
  it('lists, adds on top and deletes', async () => {
    const calls = fakeFetch({
      'GET /api/v1/monitors/m1/annotations': () => [
        { id: 'a1', content: 'deployed v1', annotated_at: '2026-03-01T10:00:00Z', created_by: 'u' },
      ],
      'POST /api/v1/monitors/m1/annotations': (body) => ({
        id: 'a2',
        content: (body as { content: string }).content,
        annotated_at: '2026-03-02T10:00:00Z',
        created_by: 'u',
      }),
      'DELETE /api/v1/monitors/m1/annotations/a1': () => undefined,
    })
    const w = await mountIt(AnnotationsPanel, { monitorId: 'm1', editable: true })
    await w.find('input[name="content"]').setValue('  DNS change ')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.findAll('.notes__text').map((n) => n.text())).toEqual(['DNS change', 'deployed v1'])
    await w.findAll('li')[1]?.find('button').trigger('click')
    await flushPromises()
    expect(calls).toContain('DELETE /api/v1/monitors/m1/annotations/a1')
    expect(w.findAll('.notes__text').map((n) => n.text())).toEqual(['DNS change'])
  })
})

describe('SlaReportPanel', () => {
  it('downloads the CSV for the chosen days (end day included)', async () => {
    const calls = fakeFetch({
      'GET /api/v1/monitors/m1/report': (_b, url) =>
        url.searchParams.get('format') === 'csv'
          ? new Response('monitor_id\r\nm1\r\n', { headers: { 'Content-Type': 'text/csv' } })
          : { monitor_id: 'm1' },
    })
    const create = vi.fn(() => 'blob:x')
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: create, revokeObjectURL: vi.fn() }))
    const w = await mountIt(SlaReportPanel, { monitorId: 'm1' })
    await w.find('input[name="from"]').setValue('2026-02-01')
    await w.find('input[name="to"]').setValue('2026-02-28')
    await w.find('[data-format="csv"]').trigger('click')
    await flushPromises()
    expect(calls.at(-1)).toBe(
      'GET /api/v1/monitors/m1/report?from=2026-02-01T00%3A00%3A00Z&to=2026-03-01T00%3A00%3A00.000Z&format=csv',
    )
    expect(create).toHaveBeenCalledOnce()
    expect(w.find('[role="alert"]').exists()).toBe(false)
  })
})

describe('StorageNotice', () => {
  it('shows the size-budget notice until dismissed, and nothing without one', async () => {
    fakeFetch({
      'GET /api/v1/storage': () => ({
        size_bytes: 1,
        budget_bytes: 1,
        over_budget: false,
        notice: { level: 'warning', message: 'The database reached its size budget', since: 'x', oldest_raw_at: null },
      }),
    })
    const w = await mountIt(StorageNotice)
    expect(w.text()).toContain('size budget')
    await w.find('button').trigger('click')
    expect(w.find('[role="status"]').exists()).toBe(false)
    fakeFetch({
      'GET /api/v1/storage': () => ({ size_bytes: 1, budget_bytes: null, over_budget: false, notice: null }),
    })
    const quiet = await mountIt(StorageNotice)
    expect(quiet.find('[role="status"]').exists()).toBe(false)
  })
})
