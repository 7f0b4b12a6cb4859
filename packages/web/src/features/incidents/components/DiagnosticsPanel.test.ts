import { flushPromises, mount } from '@vue/test-utils'
import type { IncidentDiagnosticsDto, ProbeDiagnosticsDto } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RealtimeEvent } from '../../../api/realtime'
import { i18n, setLocale } from '../../../i18n'
import { useRealtimeStore } from '../../../stores/realtime'
import { fakeApi } from '../test/fake-api'
import DiagnosticsPanel from './DiagnosticsPanel.vue'

const target = { host: 'shop.example', port: 443, url: 'https://shop.example/health' }
const base = {
  kinds: ['traceroute', 'dns', 'ping', 'tls', 'http'],
  target,
  requested_at: '2026-03-01T10:00:00.000Z',
  expires_at: '2026-03-01T11:00:00.000Z',
} as const
const at = Date.parse('2026-03-01T10:00:05.000Z')

const complete: ProbeDiagnosticsDto = {
  ...base,
  kinds: [...base.kinds],
  request_id: 'r1',
  probe_id: 'p1',
  probe_name: 'eu-1',
  state: 'complete',
  completed_at: '2026-03-01T10:00:06.000Z',
  results: [
    {
      kind: 'traceroute',
      payload: {
        tool: 'traceroute',
        target_ip: '203.0.113.7',
        reached: false,
        hops: [
          { n: 1, ip: '10.0.0.1', rtt_ms: 0.5 },
          { n: 2, ip: null, rtt_ms: null },
        ],
      },
      raw: 'traceroute to 203.0.113.7\n 1  10.0.0.1  0.5 ms\n 2  *',
      error: null,
      duration_ms: 4200,
      collected_at: at,
    },
    {
      kind: 'dns',
      payload: {
        host: 'shop.example',
        answers: [
          { resolver: 'system', ms: 1.2, a: ['203.0.113.7'], aaaa: [], cname: [], error: null },
          { resolver: '9.9.9.9', ms: 20, a: [], aaaa: [], cname: [], error: 'ETIMEOUT' },
        ],
      },
      raw: 'system (1.2 ms): A 203.0.113.7',
      error: null,
      duration_ms: 3000,
      collected_at: at,
    },
    {
      kind: 'ping',
      payload: {
        address: '203.0.113.7',
        transmitted: 5,
        received: 3,
        loss_pct: 40,
        rtt_min_ms: 10,
        rtt_avg_ms: 12.5,
        rtt_max_ms: 15,
      },
      raw: '5 packets transmitted, 3 received, 40% packet loss',
      error: null,
      duration_ms: 3100,
      collected_at: at,
    },
    {
      kind: 'tls',
      payload: {
        address: '203.0.113.7',
        servername: 'shop.example',
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_256_GCM_SHA384',
        authorized: false,
        verify_error: 'CERT_HAS_EXPIRED',
        chain: [
          {
            subject: 'CN=shop.example',
            issuer: 'CN=Example CA',
            valid_from: '2025-01-01T00:00:00.000Z',
            valid_to: '2026-02-28T00:00:00.000Z',
          },
        ],
        handshake_ms: 40,
      },
      raw: 'TLSv1.3',
      error: null,
      duration_ms: 45,
      collected_at: at,
    },
    {
      kind: 'http',
      payload: {
        address: '203.0.113.7',
        status_line: 'HTTP/1.1 503 Service Unavailable',
        status_code: 503,
        headers: [['retry-after', '120']],
        headers_truncated: false,
        timings: { dns_ms: 1, connect_ms: 20, tls_ms: 25, ttfb_ms: 80 },
      },
      raw: 'HTTP/1.1 503 Service Unavailable\nretry-after: 120',
      error: null,
      duration_ms: 90,
      collected_at: at,
    },
  ],
}
const pending: ProbeDiagnosticsDto = {
  ...complete,
  request_id: 'r2',
  probe_id: 'p2',
  probe_name: 'eu-2',
  state: 'pending',
  completed_at: null,
  results: [],
}
const expired: ProbeDiagnosticsDto = {
  ...pending,
  request_id: 'r3',
  probe_id: 'p3',
  probe_name: 'us-1',
  state: 'expired',
}

let current: IncidentDiagnosticsDto
let listeners: ((events: RealtimeEvent[]) => void)[]

beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
  listeners = []
  vi.spyOn(useRealtimeStore(), 'subscribe').mockImplementation((l) => {
    listeners.push(l)
    return () => undefined
  })
  current = { probes: [complete, pending, expired] }
})
afterEach(() => {
  document.body.innerHTML = ''
})

async function mountPanel() {
  const calls = fakeApi({ 'GET /api/v1/incidents/inc-1/diagnostics': () => current })
  const wrapper = mount(DiagnosticsPanel, {
    props: { incidentId: 'inc-1' },
    global: { plugins: [i18n] },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, calls }
}

describe('DiagnosticsPanel', () => {
  it('shows each probe with its state and each collector readably, raw output folded away', async () => {
    const { wrapper } = await mountPanel()
    const probes = wrapper.findAll('[data-testid="diagnostics-probe"]')
    expect(probes.map((p) => [p.find('h3').text(), p.attributes('data-state')])).toEqual([
      ['eu-1', 'complete'],
      ['eu-2', 'pending'],
      ['us-1', 'expired'],
    ])
    expect(probes[1]?.get('[data-testid="diagnostics-state"]').text()).toContain('Waiting for the probe')
    expect(probes[2]?.get('[data-testid="diagnostics-state"]').text()).toBe(
      'Expired: the probe did not answer within an hour',
    )
    expect(wrapper.text()).toContain('toward https://shop.example/health')

    const hops = wrapper.findAll('[data-testid="traceroute-hop"]').map((r) => r.findAll('td').map((c) => c.text()))
    expect(hops).toEqual([
      ['1', '10.0.0.1', '0.5 ms'],
      ['2', 'no reply', '–'],
    ])
    const dns = wrapper.findAll('[data-testid="dns-answer"]').map((r) => r.findAll('td').map((c) => c.text()))
    expect(dns).toEqual([
      ['System resolver', 'A 203.0.113.7', '1.2 ms'],
      ['9.9.9.9', 'ETIMEOUT', '20 ms'],
    ])
    expect(wrapper.get('[data-testid="ping-summary"]').text()).toContain('3 of 5 replies (40% loss)')
    expect(wrapper.get('[data-testid="ping-summary"]').text()).toContain('10 / 12.5 / 15 ms')
    expect(wrapper.get('[data-testid="tls-verdict"]').text()).toBe('Not verified: CERT_HAS_EXPIRED')
    expect(wrapper.get('[data-testid="tls-cert"]').text()).toContain('CN=Example CA')
    expect(wrapper.get('[data-testid="http-status"]').text()).toBe('HTTP/1.1 503 Service Unavailable')
    expect(wrapper.text()).toContain('retry-after')

    const raw = wrapper.findAll('details')
    expect(raw).toHaveLength(5)
    expect(raw.every((d) => d.attributes('open') === undefined)).toBe(true)
    expect(raw[0]?.get('pre').text()).toContain(' 2  *')
  })

  it('refreshes when the live channel says this incident got diagnostics, not for another incident', async () => {
    const { wrapper, calls } = await mountPanel()
    const gets = () => calls.filter((c) => c.key === 'GET /api/v1/incidents/inc-1/diagnostics').length
    expect(gets()).toBe(1)

    for (const l of listeners) l([{ type: 'DiagnosticsRecorded', data: { incidentId: 'inc-2', probeId: 'p2' } }])
    await flushPromises()
    expect(gets()).toBe(1)

    current = {
      probes: [
        complete,
        {
          ...pending,
          state: 'complete',
          completed_at: '2026-03-01T10:01:00.000Z',
          results: [
            {
              kind: 'ping',
              payload: null,
              raw: null,
              error: 'blocked_by_ssrf_guard',
              duration_ms: 0,
              collected_at: at,
            },
            {
              kind: 'traceroute',
              payload: null,
              raw: null,
              error: 'binary_missing:traceroute',
              duration_ms: 1,
              collected_at: at,
            },
          ],
        },
        expired,
      ],
    }
    for (const l of listeners) l([{ type: 'DiagnosticsRecorded', data: { incidentId: 'inc-1', probeId: 'p2' } }])
    await flushPromises()
    expect(gets()).toBe(2)
    const eu2 = wrapper.findAll('[data-testid="diagnostics-probe"]')[1]
    expect(eu2?.attributes('data-state')).toBe('complete')
    expect(eu2?.findAll('[data-testid="diagnostic-error"]').map((e) => e.text())).toEqual([
      'Refused: private address, and this probe is external',
      'traceroute is not installed on this probe',
    ])
  })

  it('says when no diagnostics were requested, in French too', async () => {
    current = { probes: [] }
    setLocale('fr', false)
    const { wrapper } = await mountPanel()
    expect(wrapper.get('[data-testid="diagnostics-none"]').text()).toBe(
      'Aucun diagnostic n’a été demandé pour cet incident.',
    )
    expect(wrapper.get('h2').text()).toBe('Diagnostics')
  })
})
