import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { NotificationEntry } from '../../../api/alerting'
import { i18n, setLocale } from '../../../i18n'
import IncidentNotificationLog from './IncidentNotificationLog.vue'
import SchemaFields from './SchemaFields.vue'

const incidentNotifications = vi.hoisted(() => vi.fn())
vi.mock('../../../api/alerting', () => ({ incidentNotifications }))

const entry = (e: Partial<NotificationEntry>): NotificationEntry => ({
  id: Math.random().toString(36),
  at: '2026-03-01T10:00:00.000Z',
  rule: { id: 'r1', name: 'Shop down' },
  channel: { id: 'c1', name: 'On-call', kind: 'pagerduty' },
  condition: 'any_down',
  event: 'opened',
  decision: 'send',
  reason: null,
  status: 'sent',
  attempts: 1,
  last_error: null,
  response: 'HTTP 202',
  sent_at: '2026-03-01T10:00:01.000Z',
  ...e,
})

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => setLocale('en', false))

describe('IncidentNotificationLog', () => {
  it('lists what was sent, what was not and why, in the UI language', async () => {
    incidentNotifications.mockResolvedValue([
      entry({}),
      entry({ event: 'renotify', decision: 'skip', status: 'skipped', reason: 'acked' }),
      entry({ event: 'resolved', status: 'pending', attempts: 3, last_error: 'HTTP 503' }),
    ])
    const w = mount(IncidentNotificationLog, { props: { incidentId: 'i1' }, global: { plugins: [i18n] } })
    await flushPromises()
    expect(incidentNotifications).toHaveBeenCalledWith('i1')
    const rows = w.findAll('[data-testid="notification-row"]').map((r) => r.text())
    expect(rows[0]).toContain('Opening')
    expect(rows[0]).toContain('Sent')
    expect(rows[1]).toContain('Not sent — acknowledged')
    expect(rows[2]).toContain('3 attempts')
    expect(rows[2]).toContain('HTTP 503')
    setLocale('fr', false)
    await flushPromises()
    expect(w.findAll('[data-testid="notification-row"]')[1]?.text()).toContain('Non envoyée — acquitté')
  })

  it('says so when nothing was sent or held back', async () => {
    incidentNotifications.mockResolvedValue([])
    const w = mount(IncidentNotificationLog, { props: { incidentId: 'i2' }, global: { plugins: [i18n] } })
    await flushPromises()
    expect(w.text()).toContain('No notification was sent or held back')
  })
})

describe('SchemaFields', () => {
  it('renders a kind config from its JSON Schema: secrets as password fields, lists one per line', async () => {
    const schema = {
      type: 'object',
      properties: {
        api_url: { type: 'string' },
        token: { type: 'string' },
        recipients: { type: 'array', items: { type: 'string' } },
        region: { type: 'string', enum: ['us', 'eu'] },
      },
      required: ['api_url', 'recipients'],
    }
    const w = mount(SchemaFields, {
      props: { schema, secrets: ['token'], secretsSet: ['token'], idPrefix: 't', modelValue: { region: 'us' } },
      global: { plugins: [i18n] },
    })
    expect(w.find('#t-token').attributes('type')).toBe('password')
    expect(w.text()).toContain('Set. Leave empty to keep it.')
    await w.find('#t-recipients').setValue('+33600000000\n+33700000000\n')
    const emitted = w.emitted('update:modelValue')?.at(-1)?.[0] as Record<string, unknown>
    expect(emitted.recipients).toEqual(['+33600000000', '+33700000000'])
    expect(w.findAll('#t-region option').map((o) => o.text())).toEqual(['us', 'eu'])
  })
})
