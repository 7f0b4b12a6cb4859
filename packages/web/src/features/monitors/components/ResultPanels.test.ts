import { mount } from '@vue/test-utils'
import type { ResultDto } from '@whatisup/shared'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../../i18n'
import ConditionsPanel from './ConditionsPanel.vue'
import KindDetails from './KindDetails.vue'
import TlsPanel from './TlsPanel.vue'

const result: ResultDto = {
  id: '1',
  monitor_id: 'm1',
  probe_id: 'p1',
  checked_at: '2026-01-01T12:00:00.000Z',
  status: 'degraded',
  response_time_ms: 812,
  http_status: 200,
  timings: null,
  failure: null,
  error_message: null,
  tls: null,
  conditions: [
    { condition: '[STATUS] == 200', success: true, actual: '200', severity: 'down' },
    { condition: '[RESPONSE_TIME] <= 500 ~degraded', success: false, actual: '812', severity: 'degraded' },
    {
      condition: '[BODY].data.status == UP',
      success: false,
      actual: 'null',
      severity: 'down',
      error: 'body is not JSON',
    },
  ],
  details: null,
  remote_address: '127.0.0.1',
  final_url: null,
  redirect_count: 0,
}

const mountWith = <P extends object>(component: object, props: P) =>
  mount(component as never, { props: props as never, global: { plugins: [i18n, createPinia()] } })

beforeEach(() => setLocale('en', false))

describe('ConditionsPanel', () => {
  it('lists each condition with pass/fail, the actual value and its severity', () => {
    const wrapper = mountWith(ConditionsPanel, { result })
    const rows = wrapper.findAll('[data-testid="condition-row"]')
    expect(rows.map((r) => r.attributes('data-success'))).toEqual(['true', 'false', 'false'])
    const cells = rows.map((r) => r.findAll('td').map((td) => td.text()))
    expect(cells[0]).toEqual(['Passed', '[STATUS] == 200', '200', 'Down'])
    expect(cells[1]).toEqual(['Failed', '[RESPONSE_TIME] <= 500 ~degraded', '812', 'Degraded'])
    expect(cells[2]?.[2]).toBe('null body is not JSON')
    expect(rows[1]?.find('.outcome--degraded').exists()).toBe(true)
    expect(rows[2]?.find('.outcome--down').exists()).toBe(true)
    expect(rows[0]?.find('svg').attributes('aria-hidden')).toBe('true')
  })

  it('says so when the latest check evaluated none, in French too', () => {
    setLocale('fr', false)
    const wrapper = mountWith(ConditionsPanel, { result: { ...result, conditions: [] } })
    expect(wrapper.findAll('[data-testid="condition-row"]')).toHaveLength(0)
    expect(wrapper.text()).toContain('La dernière vérification n’a évalué aucune condition.')
  })
})

describe('TlsPanel and KindDetails', () => {
  it('shows the certificate facts, days left and why it is not trusted', () => {
    const wrapper = mountWith(TlsPanel, {
      tls: {
        valid_to: Date.UTC(2026, 0, 6),
        days_remaining: 5.4,
        subject: 'CN=shop.example.com',
        issuer: 'CN=Test CA',
        authorized: false,
        authorization_error: 'SELF_SIGNED_CERT_IN_CHAIN',
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384',
      },
    })
    const text = wrapper.text()
    for (const s of ['CN=shop.example.com', 'CN=Test CA', '5 days left', 'TLSv1.3', 'TLS_AES_256_GCM_SHA384']) {
      expect(text).toContain(s)
    }
    expect(wrapper.find('[data-testid="tls-trust"]').text()).toBe('Not trusted: SELF_SIGNED_CERT_IN_CHAIN')
  })

  it('renders any kind’s details as a key/value table', () => {
    const wrapper = mountWith(KindDetails, {
      details: {
        answers: ['93.184.215.14', '93.184.215.15'],
        packet_loss: 33.333,
        banner: '220 mail ESMTP',
        rcode: null,
      },
    })
    const rows = wrapper.findAll('[data-testid="detail-row"]').map((r) => [r.find('th').text(), r.find('td').text()])
    expect(rows).toEqual([
      ['Answers', '93.184.215.14, 93.184.215.15'],
      ['Packet loss', '33.33'],
      ['Banner', '220 mail ESMTP'],
      ['Rcode', '—'],
    ])
  })
})
