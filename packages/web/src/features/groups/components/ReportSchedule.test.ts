import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../../../i18n'
import { fakeApi, json } from '../../incidents/test/fake-api'
import ReportSchedule from './ReportSchedule.vue'

const Blank = defineComponent({ render: () => null })
const emailChannel = { id: 'c1', name: 'Ops mail', kind: 'email' }
const webhook = { id: 'c2', name: 'Hook', kind: 'webhook' }

async function mountIt() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Blank },
      { path: '/alerts/channels', name: 'alert-channels', component: Blank },
    ],
  })
  await router.push('/')
  const wrapper = mount(ReportSchedule, { props: { groupId: 'g1' }, global: { plugins: [i18n, router] } })
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  setActivePinia(createPinia())
  setLocale('en', false)
})
afterEach(() => vi.unstubAllGlobals())

describe('ReportSchedule', () => {
  it('asks for an e-mail channel first when the user has none', async () => {
    fakeApi({
      'GET /api/v1/groups/g1/report-schedule': () => json(404, { code: 'NOT_FOUND', message: 'x', requestId: 'r' }),
      'GET /api/v1/alerts/channels': () => [webhook],
    })
    const w = await mountIt()
    expect(w.find('[data-testid="report-no-channel"]').exists()).toBe(true)
    expect(w.find('[data-testid="report-form"]').exists()).toBe(false)
  })

  it('creates a schedule with the exact body, offering only e-mail channels', async () => {
    const calls = fakeApi({
      'GET /api/v1/groups/g1/report-schedule': () => json(404, { code: 'NOT_FOUND', message: 'x', requestId: 'r' }),
      'GET /api/v1/alerts/channels': () => [webhook, emailChannel],
      'PUT /api/v1/groups/g1/report-schedule': (body) => ({ group_id: 'g1', ...(body as object), recent: [] }),
    })
    const w = await mountIt()
    expect(w.findAll('select[name="report_channel"] option').map((o) => o.text())).toEqual(['Ops mail'])
    await w.get('select[name="report_schedule"]').setValue('monthly')
    await w.get('textarea[name="report_recipients"]').setValue('a@example.com, b@example.com\nc@example.com')
    await w.get('input[name="report_timezone"]').setValue('Europe/Paris')
    await w.get('[data-testid="report-form"]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.key === 'PUT /api/v1/groups/g1/report-schedule')?.body).toEqual({
      enabled: true,
      schedule: 'monthly',
      recipients: ['a@example.com', 'b@example.com', 'c@example.com'],
      timezone: 'Europe/Paris',
      channel_id: 'c1',
    })
    expect(w.find('[data-testid="report-saved"]').exists()).toBe(true)
  })

  it('loads a saved schedule with its recent sends, and puts server issues on the fields', async () => {
    fakeApi({
      'GET /api/v1/groups/g1/report-schedule': () => ({
        group_id: 'g1',
        schedule: 'weekly',
        recipients: ['ops@example.com'],
        timezone: 'UTC',
        channel_id: 'c1',
        enabled: true,
        recent: [
          {
            from: '2026-03-02T00:00:00.000Z',
            to: '2026-03-09T00:00:00.000Z',
            status: 'failed',
            sent_at: null,
            last_error: 'SMTP 550',
          },
        ],
      }),
      'GET /api/v1/alerts/channels': () => [emailChannel],
      'PUT /api/v1/groups/g1/report-schedule': () =>
        json(400, {
          code: 'VALIDATION_FAILED',
          message: 'bad',
          requestId: 'r',
          details: { issues: [{ path: 'body.recipients.0', message: 'Invalid email address' }] },
        }),
    })
    const w = await mountIt()
    expect((w.get('textarea[name="report_recipients"]').element as HTMLTextAreaElement).value).toBe('ops@example.com')
    expect(w.get('[data-testid="report-recent"]').text()).toContain('Failed')
    expect(w.get('[data-testid="report-recent"]').text()).toContain('SMTP 550')
    await w.get('textarea[name="report_recipients"]').setValue('not-an-address')
    await w.get('[data-testid="report-form"]').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="field-error"]').text()).toBe('Invalid email address')
  })
})
