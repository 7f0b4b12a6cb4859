import { flushPromises, mount } from '@vue/test-utils'
import type { MonitoringStatusDto } from '@whatisup/shared'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n, setLocale } from '../../../i18n'
import MonitoringBanner from './MonitoringBanner.vue'

const monitoringStatus = vi.hoisted(() => vi.fn())
vi.mock('../../../api/server-monitors', () => ({ monitoringStatus }))

const answer = (extra: Partial<MonitoringStatusDto>): MonitoringStatusDto => ({
  status: 'ok',
  checked_at: '2026-01-01T00:00:00.000Z',
  database: 'ok',
  probes: { total: 3, offline: 0, lagging: 0 },
  reasons: [],
  ...extra,
})
const mountBanner = () => mount(MonitoringBanner, { global: { plugins: [i18n] } })

beforeEach(() => {
  setLocale('en', false)
  monitoringStatus.mockReset()
})

describe('MonitoringBanner', () => {
  it('stays out of the way while monitoring is healthy', async () => {
    monitoringStatus.mockResolvedValue(answer({}))
    const wrapper = mountBanner()
    await flushPromises()
    expect(wrapper.find('[data-testid="monitoring-banner"]').exists()).toBe(false)
  })

  it('says why monitoring is degraded, with plural forms, in English and French', async () => {
    monitoringStatus.mockResolvedValue(
      answer({
        status: 'degraded',
        probes: { total: 3, offline: 2, lagging: 1 },
        reasons: ['probes_offline', 'probes_lagging'],
      }),
    )
    const wrapper = mountBanner()
    await flushPromises()
    const banner = wrapper.find('[data-testid="monitoring-banner"]')
    expect(banner.attributes('role')).toBe('status')
    expect(banner.text()).toBe(
      'Monitoring is degraded: results may be late or incomplete. 2 probes offline, 1 probe lagging.',
    )
    setLocale('fr', false)
    await flushPromises()
    expect(wrapper.find('[data-testid="monitoring-banner"]').text()).toContain('2 sondes hors ligne, 1 sonde en retard')
  })

  it('keeps the last answer when a poll fails', async () => {
    monitoringStatus.mockResolvedValueOnce(answer({ status: 'degraded', reasons: ['database_down'], database: 'down' }))
    const wrapper = mountBanner()
    await flushPromises()
    expect(wrapper.text()).toContain('the database does not answer')
  })
})
