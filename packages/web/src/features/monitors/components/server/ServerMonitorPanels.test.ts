import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import type { CompositeMemberDto, Monitor, PingDto, RunDto } from '@whatisup/shared'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n, setLocale } from '../../../../i18n'
import CompositeMembers from './CompositeMembers.vue'
import HeartbeatPanel from './HeartbeatPanel.vue'
import ManualStateControl from './ManualStateControl.vue'
import PingsTable from './PingsTable.vue'
import RunDurationsChart from './RunDurationsChart.vue'

const api = vi.hoisted(() => ({
  listPings: vi.fn(),
  listRuns: vi.fn(),
  listMembers: vi.fn(),
  addMember: vi.fn(),
  updateMember: vi.fn(),
  removeMember: vi.fn(),
  setManualState: vi.fn(),
  listManualStates: vi.fn(),
  monitoringStatus: vi.fn(),
}))
vi.mock('../../../../api/server-monitors', () => api)
vi.mock('../../../groups/api', () => ({
  listGroups: vi.fn(async () => [
    { id: 'g1', name: 'Edge', description: null, monitor_count: 4, status_counts: {}, created_at: '', updated_at: '' },
  ]),
}))
vi.mock('../../../../api/monitors', () => ({
  listMonitors: vi.fn(async () => ({
    items: [
      { id: 'c1', name: 'Checkout' },
      { id: 'm1', name: 'API' },
      { id: 'm2', name: 'Database' },
    ],
    total: 3,
  })),
}))

const base = {
  id: 'c1',
  name: 'Checkout',
  enabled: true,
  interval_seconds: 60,
  timeout_seconds: 10,
  network_scope: 'all',
  conditions: [],
  failure_threshold: 2,
  recovery_threshold: 2,
  quorum: 'majority',
  flap_threshold: 5,
  flap_window_minutes: 10,
  owner_id: 'u1',
  group_id: null,
  tags: [],
  team_id: null,
  status: 'up',
  status_since: null,
  last_checked_at: null,
  last_response_time_ms: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
}
const heartbeat = (extra: object = {}) =>
  ({
    ...base,
    id: 'h1',
    check_type: 'heartbeat',
    target: 'heartbeat',
    period_seconds: 3600,
    cron: null,
    timezone: 'UTC',
    grace_seconds: 300,
    ping_url: '/api/v1/ping/abcDEF123_-abcDEF123_-abcDEF123_',
    next_expected_at: '2026-01-01T01:00:00.000Z',
    last_ping_at: '2026-01-01T00:00:00.000Z',
    ...extra,
  }) as Monitor
const composite = (rule = 'weighted_up') =>
  ({ ...base, check_type: 'composite', target: 'composite', rule, degraded_below_percent: null }) as Monitor
const manual = (extra: object = {}) =>
  ({ ...base, id: 'x1', check_type: 'manual', target: 'manual', ...extra }) as Monitor

const ping = (id: string, extra: Partial<PingDto> = {}): PingDto => ({
  id,
  at: '2026-01-01T00:00:00.000Z',
  kind: 'success',
  exit_status: null,
  rid: null,
  method: 'POST',
  user_agent: 'curl/8.5.0',
  source_ip: '10.0.0.7',
  body: null,
  body_size: 0,
  body_truncated: false,
  duration_ms: null,
  ...extra,
})
const run = (id: string, duration: number, extra: Partial<RunDto> = {}): RunDto => ({
  id,
  rid: null,
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:01:00.000Z',
  duration_ms: duration,
  outcome: 'success',
  late: false,
  ...extra,
})

const mountWith = <P extends object>(component: object, props: P) =>
  mount(component as never, {
    props: props as never,
    global: { plugins: [i18n, createPinia()], stubs: { RouterLink: RouterLinkStub } },
  })

beforeEach(() => {
  setLocale('en', false)
  for (const fn of Object.values(api)) fn.mockReset()
  api.listPings.mockResolvedValue([])
  api.listRuns.mockResolvedValue([])
  api.listManualStates.mockResolvedValue([])
})

describe('HeartbeatPanel', () => {
  it('shows the absolute ping URL with a copy button, curl examples and the next expected ping', async () => {
    const writeText = vi.fn(async () => undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const wrapper = mountWith(HeartbeatPanel, { monitor: heartbeat() })
    await flushPromises()
    const url = `${location.origin}/api/v1/ping/abcDEF123_-abcDEF123_-abcDEF123_`
    expect((wrapper.find('[data-testid="ping-url"]').element as HTMLInputElement).value).toBe(url)
    await wrapper.find('[data-testid="copy-ping-url"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(url)
    expect(wrapper.find('[data-testid="copy-ping-url"]').text()).toBe('Copied')
    const examples = wrapper.findAll('[data-testid="curl-example"]').map((e) => e.text())
    expect(examples[0]).toContain(`curl -fsS -m 10 --retry 5 -o /dev/null ${url}`)
    expect(examples[1]).toContain(`${url}/start`)
    expect(examples[1]).toContain(`--data-binary @/tmp/backup.log ${url}/$?`)
    expect(wrapper.find('[data-testid="next-expected"] time').attributes('datetime')).toBe('2026-01-01T01:00:00.000Z')
    expect(api.listPings).toHaveBeenCalledWith('h1', 50)
  })

  it('says it is waiting for the first ping (not down) until one arrives', async () => {
    const wrapper = mountWith(HeartbeatPanel, {
      monitor: heartbeat({ status: 'unknown', last_ping_at: null, next_expected_at: null }),
    })
    await flushPromises()
    expect(wrapper.find('[data-testid="next-expected"]').text()).toBe('Waiting for the first ping')
    expect(wrapper.find('[data-testid="pings-empty"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="runs-empty"]').exists()).toBe(true)
  })
})

describe('PingsTable and RunDurationsChart', () => {
  it('lists pings with their signal, exit status, run time, source, user agent and body (flagged when cut)', () => {
    const wrapper = mountWith(PingsTable, {
      pings: [
        ping('2', {
          kind: 'fail',
          exit_status: 3,
          body: 'disk full',
          body_size: 12_000,
          body_truncated: true,
          duration_ms: 90_000,
        }),
        ping('1', { kind: 'start', method: 'GET' }),
      ],
    })
    const rows = wrapper.findAll('[data-testid="ping-row"]')
    expect(rows.map((r) => r.attributes('data-kind'))).toEqual(['fail', 'start'])
    const cells = rows[0]?.findAll('td').map((c) => c.text()) ?? []
    expect(cells[1]).toBe('Failure (exit 3)')
    expect(cells[2]).toBe('1m 30s')
    expect(cells[3]).toContain('POST 10.0.0.7')
    expect(cells[3]).toContain('curl/8.5.0')
    expect(rows[0]?.find('[data-testid="ping-body"]').text()).toBe('disk full')
    expect(cells[4]).toContain('Cut at 10 000 of 12000 bytes.')
  })

  it('charts one bar per finished run, oldest first, late and failed runs apart', () => {
    const wrapper = mountWith(RunDurationsChart, {
      runs: [
        run('c', 30_000, { late: true }),
        run('b', 60_000, { outcome: 'fail' }),
        run('r', 0, { outcome: 'running', finished_at: null, duration_ms: null }),
        run('a', 15_000),
      ],
    })
    const bars = wrapper.findAll('[data-testid="run-bar"]')
    expect(bars.map((b) => b.classes().find((c) => c.startsWith('run--')))).toEqual([
      'run--success',
      'run--fail',
      'run--late',
    ])
    expect(Number(bars[1]?.attributes('height'))).toBeGreaterThan(Number(bars[0]?.attributes('height')))
    expect(wrapper.find('[data-testid="runs-max"]').text()).toBe('longest: 1m')
    expect(wrapper.find('svg').attributes('aria-label')).toBe('Duration of the last 3 runs')
  })
})

describe('CompositeMembers', () => {
  const members: CompositeMemberDto[] = [
    {
      member_type: 'monitor',
      monitor_id: 'm1',
      name: 'API',
      check_type: 'http',
      status: 'up',
      weight: 3,
      role: 'frontend',
    },
  ]

  it('lists the members with their state, adds one from the monitors it does not hold yet, re-weights and removes', async () => {
    api.listMembers.mockResolvedValue(members)
    api.addMember.mockResolvedValue([
      ...members,
      {
        member_type: 'monitor',
        monitor_id: 'm2',
        name: 'Database',
        check_type: 'manual',
        status: 'down',
        weight: 2,
        role: null,
      },
    ])
    api.updateMember.mockResolvedValue([{ ...members[0], weight: 5 }])
    api.removeMember.mockResolvedValue(undefined)
    const wrapper = mountWith(CompositeMembers, { monitor: composite() })
    await flushPromises()
    expect(wrapper.findAll('[data-testid="member-row"]')).toHaveLength(1)
    const options = wrapper.findAll('select[name="monitor_id"] option').map((o) => o.text())
    expect(options).toEqual(['Monitor or group to add', 'Database', 'Edge'])
    await wrapper.find('select[name="monitor_id"]').setValue('monitor:m2')
    await wrapper.find('[data-testid="member-add"] input[type="number"]').setValue(2)
    await wrapper.find('[data-testid="member-add"]').trigger('submit')
    await flushPromises()
    expect(api.addMember).toHaveBeenCalledWith('c1', { monitor_id: 'm2', weight: 2, role: null })
    expect(wrapper.findAll('[data-testid="member-row"]')).toHaveLength(2)
    expect(wrapper.emitted('changed')).toBeTruthy()

    await wrapper.find('[data-testid="member-row"] input[type="number"]').setValue('5')
    await wrapper.find('[data-testid="member-row"] input[type="number"]').trigger('change')
    await flushPromises()
    expect(api.updateMember).toHaveBeenCalledWith('c1', 'm1', { weight: 5 })

    api.listMembers.mockResolvedValue([])
    await wrapper.find('[data-testid="member-remove"]').trigger('click')
    await flushPromises()
    expect(api.removeMember).toHaveBeenCalledWith('c1', 'm1')
    expect(wrapper.find('[data-testid="members-empty"]').exists()).toBe(true)
  })

  it('shows the server’s refusal (a cycle, say) and hides weights unless the rule is weighted', async () => {
    api.listMembers.mockResolvedValue(members)
    api.addMember.mockRejectedValue(new Error('Database already contains this composite: that would be a cycle'))
    const wrapper = mountWith(CompositeMembers, { monitor: composite('all_up') })
    await flushPromises()
    expect(wrapper.find('[data-testid="member-row"] input[type="number"]').exists()).toBe(false)
    await wrapper.find('select[name="monitor_id"]').setValue('monitor:m2')
    await wrapper.find('[data-testid="member-add"]').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').text()).toContain('that would be a cycle')
  })

  it('adds a monitor group as one member, shown as a group linking to its page', async () => {
    api.listMembers.mockResolvedValue(members)
    api.addMember.mockResolvedValue([
      ...members,
      {
        member_type: 'group',
        monitor_id: 'g1',
        name: 'Edge',
        check_type: 'group',
        status: 'down',
        weight: 1,
        role: null,
      },
    ])
    const wrapper = mountWith(CompositeMembers, { monitor: composite('all_up') })
    await flushPromises()
    await wrapper.find('select[name="monitor_id"]').setValue('group:g1')
    await wrapper.find('[data-testid="member-add"]').trigger('submit')
    await flushPromises()
    expect(api.addMember).toHaveBeenLastCalledWith('c1', { group_id: 'g1', weight: 1, role: null })
    const rows = wrapper.findAll('[data-testid="member-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[1]?.text()).toContain('Edge')
    expect(rows[1]?.text()).toContain('group')
    // The group is no longer offered once it is a member.
    expect(wrapper.findAll('select[name="monitor_id"] option').map((o) => o.text())).not.toContain('Edge')
  })
})

describe('ManualStateControl', () => {
  it('sets the state with a note and shows who set what', async () => {
    api.setManualState.mockResolvedValue({})
    api.listManualStates
      .mockResolvedValueOnce([])
      .mockResolvedValue([
        { id: 's1', status: 'down', note: 'provider outage', author: 'alice', at: '2026-01-01T00:00:00.000Z' },
      ])
    const wrapper = mountWith(ManualStateControl, { monitor: manual() })
    await flushPromises()
    await wrapper.find('[data-testid="manual-down"]').setValue(true)
    await wrapper.find('[data-testid="manual-note"]').setValue('  provider outage ')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(api.setManualState).toHaveBeenCalledWith('x1', { status: 'down', note: 'provider outage' })
    expect(wrapper.find('[data-testid="manual-history"]').text()).toContain('Down, set by alice: provider outage')
    expect(wrapper.emitted('changed')).toHaveLength(1)
  })

  it('cannot be used while the monitor is paused', async () => {
    const wrapper = mountWith(ManualStateControl, { monitor: manual({ enabled: false, status: 'paused' }) })
    await flushPromises()
    expect(wrapper.find('[data-testid="manual-submit"]').attributes('disabled')).toBeDefined()
  })
})
