import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alertingEngine, DeliveryWorker } from '../src/modules/alerting/index.js'
import { ruleTargets } from '../src/modules/alerting/rules.js'
import { api, createChannel, type Receiver, startReceiver } from './alerting.helpers.js'
import { createTestContext, HTTP_MONITOR, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let root: TestUser
let alice: TestUser
let bob: TestUser
let rx: Receiver
let monitorId: string
let channelId: string

beforeAll(async () => {
  t = await createTestContext({ ALERTING_ALLOW_PRIVATE_TARGETS: 'true' })
  root = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  rx = await startReceiver()
  monitorId = (await api(t).post('/monitors', alice, { ...HTTP_MONITOR, name: 'api' })).json().id
  channelId = (await createChannel(t, alice, 'slack', { webhook_url: `${rx.url}/s` })).id
})
afterAll(async () => {
  await rx.close()
  await t.close()
})

const rule = (u: TestUser, body: Record<string, unknown>) => api(t).post('/alerts/rules', u, { name: 'r', ...body })

describe('rules', () => {
  it('creates, reads, updates and deletes an owner-scoped rule', async () => {
    const created = await rule(alice, {
      condition: 'response_time_above',
      target: { kind: 'monitor', monitor_id: monitorId },
      channel_ids: [channelId],
      threshold: 800,
      min_duration_seconds: 300,
      renotify_minutes: 60,
      schedule: { timezone: 'Europe/Paris', days: [0, 1, 2, 3, 4], start: '22:00', end: '06:00' },
      storm_max: 5,
      storm_window_seconds: 900,
      digest_minutes: 0,
    })
    expect(created.statusCode).toBe(201)
    const r = created.json()
    expect(r).toMatchObject({
      condition: 'response_time_above',
      target: { kind: 'monitor', monitor_id: monitorId },
      channel_ids: [channelId],
      threshold: 800,
      min_duration_seconds: 300,
      schedule: { timezone: 'Europe/Paris', start: '22:00', end: '06:00' },
      owner_id: alice.id,
      enabled: true,
    })
    const patched = await api(t).patch(`/alerts/rules/${r.id}`, alice, {
      threshold: 1200,
      enabled: false,
      channel_ids: [],
    })
    expect(patched.json()).toMatchObject({
      threshold: 1200,
      enabled: false,
      channel_ids: [],
      min_duration_seconds: 300,
    })
    expect((await api(t).get(`/alerts/rules/${r.id}`, alice)).json().threshold).toBe(1200)
    expect((await api(t).del(`/alerts/rules/${r.id}`, alice)).statusCode).toBe(204)
    expect((await api(t).get(`/alerts/rules/${r.id}`, alice)).statusCode).toBe(404)
  })

  it("another user's rules, monitors and channels are invisible (404 / unknown)", async () => {
    const r = (await rule(alice, { condition: 'any_down', target: { kind: 'monitor', monitor_id: monitorId } })).json()
    expect((await api(t).get('/alerts/rules', bob)).json()).toEqual([])
    expect((await api(t).get(`/alerts/rules/${r.id}`, bob)).statusCode).toBe(404)
    expect((await api(t).patch(`/alerts/rules/${r.id}`, bob, { enabled: false })).statusCode).toBe(404)
    expect((await api(t).del(`/alerts/rules/${r.id}`, bob)).statusCode).toBe(404)
    const onForeignMonitor = await rule(bob, {
      condition: 'any_down',
      target: { kind: 'monitor', monitor_id: monitorId },
    })
    expect(onForeignMonitor.statusCode).toBe(400)
    expect(onForeignMonitor.json().details.issues[0].path).toBe('body.target.monitor_id')
    const bobsMonitor = (await api(t).post('/monitors', bob, HTTP_MONITOR)).json().id
    const withForeignChannel = await rule(bob, {
      condition: 'any_down',
      target: { kind: 'monitor', monitor_id: bobsMonitor },
      channel_ids: [channelId],
    })
    expect(withForeignChannel.statusCode).toBe(400)
    expect(withForeignChannel.json().details.issues[0].path).toBe('body.channel_ids.0')
    expect((await api(t).get(`/alerts/monitors/${monitorId}/matrix`, bob)).statusCode).toBe(404)
    await api(t).del(`/alerts/rules/${r.id}`, alice)
  })

  it('validates the schedule time zone, the target of probe rules, and who may create them', async () => {
    const tz = await rule(alice, {
      condition: 'any_down',
      target: { kind: 'all' },
      schedule: { timezone: 'Mars/Olympus', days: [0], start: '09:00', end: '17:00' },
    })
    expect(tz.statusCode).toBe(400)
    expect(tz.json().details.issues[0].path).toBe('body.schedule.timezone')
    expect((await rule(alice, { condition: 'probe_offline', target: { kind: 'probes' } })).statusCode).toBe(403)
    expect((await rule(root, { condition: 'probe_offline', target: { kind: 'all' } })).statusCode).toBe(400)
    const ok = await rule(root, { condition: 'probe_offline', target: { kind: 'probes' } })
    expect(ok.statusCode).toBe(201)
    await api(t).del(`/alerts/rules/${ok.json().id}`, root)
  })

  it('a tag selector is stored and shown, and matches the monitor once it carries every tag', async () => {
    const r = await rule(alice, { condition: 'any_down', target: { kind: 'tag', tags: ['prod', 'eu', 'prod'] } })
    expect(r.json().target).toEqual({ kind: 'tag', tags: ['prod', 'eu'] })
    const targets = async () => {
      const m = (await t.deps.repos.monitors.findManyByIds([monitorId]))[0]!
      const rules = await t.deps.repos.alerts.rulesForMonitors([m])
      return rules.filter((x) => ruleTargets(x, m)).map((x) => x.id)
    }
    expect(await targets()).not.toContain(r.json().id)
    await t.deps.repos.groups.setMonitorTags(monitorId, alice.id, [{ key: 'prod', value: '' }], t.clock.now())
    expect(await targets()).not.toContain(r.json().id)
    await t.deps.repos.groups.setMonitorTags(
      monitorId,
      alice.id,
      [
        { key: 'prod', value: '' },
        { key: 'eu', value: '' },
      ],
      t.clock.now(),
    )
    expect(await targets()).toContain(r.json().id)
    await t.deps.repos.groups.setMonitorTags(monitorId, alice.id, [], t.clock.now())
    await api(t).del(`/alerts/rules/${r.json().id}`, alice)
  })

  it('a probe_offline rule of a superadmin pages when a probe goes offline, and when it is back', async () => {
    const ch = await createChannel(t, root, 'webhook', { url: `${rx.url}/probes` })
    const r = (
      await rule(root, { condition: 'probe_offline', target: { kind: 'probes' }, channel_ids: [ch.id] })
    ).json()
    rx.clear()
    const at = t.clock.now()
    t.deps.events.emit('ProbeOffline', { probeId: 'probe-x', at, lastSeenAt: at - 200_000 })
    t.deps.events.emit('ProbeOnline', { probeId: 'probe-x', at: at + 1000 })
    await alertingEngine(t.deps)!.idle()
    const w = new DeliveryWorker(t.deps)
    await w.drain()
    expect(rx.requests.map((q) => (q.json as { event: string; probe: { id: string } }).event)).toEqual([
      'incident.opened',
      'incident.resolved',
    ])
    expect((rx.requests[0]!.json as { message: { title: string } }).message.title).toBe('🔴 Probe offline: probe-x')
    await api(t).del(`/alerts/rules/${r.id}`, root)
  })
})

describe('OpenAPI', () => {
  it('documents the alerting routes', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' })
    expect(res.statusCode).toBe(200)
    const paths = Object.keys(res.json().paths)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/alerts/channels',
        '/api/v1/alerts/channels/{id}/test',
        '/api/v1/alerts/rules',
        '/api/v1/alerts/monitors/{id}/matrix/preview',
        '/api/v1/incidents/{id}/notifications',
      ]),
    )
  })
})

describe('the alert matrix and templates', () => {
  it('shows one row per condition the monitor kind offers, with defaults when no rule exists', async () => {
    const m = (await api(t).get(`/alerts/monitors/${monitorId}/matrix`, alice)).json()
    expect(m.conditions).toEqual([
      'any_down',
      'all_down',
      'degraded',
      'response_time_above',
      'response_time_above_baseline',
      'anomaly',
      'ssl_expiry',
      'slo_burn_fast',
      'slo_burn_slow',
      'flapping',
    ])
    expect(m.rows.find((r: { condition: string }) => r.condition === 'ssl_expiry')).toMatchObject({
      rule_id: null,
      enabled: false,
      threshold: 14,
    })
  })

  it('PUT upserts one rule per row and deletes the conditions left out; duplicates are refused', async () => {
    const put = (rows: object[]) => api(t).put(`/alerts/monitors/${monitorId}/matrix`, alice, { rows })
    const first = await put([
      { condition: 'any_down', channel_ids: [channelId], min_duration_seconds: 60 },
      { condition: 'ssl_expiry', threshold: 21, channel_ids: [channelId] },
    ])
    expect(first.statusCode).toBe(200)
    const anyDown = first.json().rows.find((r: { condition: string }) => r.condition === 'any_down')
    expect(anyDown).toMatchObject({ enabled: true, min_duration_seconds: 60, channel_ids: [channelId] })
    const second = await put([{ condition: 'any_down', channel_ids: [channelId], min_duration_seconds: 120 }])
    const rows = second.json().rows as { condition: string; rule_id: string | null; min_duration_seconds: number }[]
    expect(rows.find((r) => r.condition === 'any_down')).toMatchObject({
      rule_id: anyDown.rule_id,
      min_duration_seconds: 120,
    })
    expect(rows.find((r) => r.condition === 'ssl_expiry')?.rule_id).toBeNull()
    const dup = await put([{ condition: 'any_down' }, { condition: 'any_down' }])
    expect(dup.statusCode).toBe(400)
    expect(dup.json().details.issues[0].path).toBe('body.rows.1.condition')
    expect((await put([{ condition: 'domain_expiry' }])).statusCode).toBe(400)
  })

  it('lists read-only built-in presets per kind; a template is applied in one call', async () => {
    const list = (await api(t).get('/alerts/templates?check_type=http', alice)).json() as {
      id: string
      name: string
      builtin: boolean
      rows: { condition: string }[]
    }[]
    expect(list.filter((x) => x.builtin).map((x) => x.name)).toEqual(['Standard', 'Strict / Paging', 'Low noise'])
    const strict = list.find((x) => x.id === 'builtin-http-strict')!
    expect(strict.rows.map((r) => r.condition)).toEqual([
      'any_down',
      'all_down',
      'degraded',
      'response_time_above',
      'ssl_expiry',
      'anomaly',
      'slo_burn_fast',
      'slo_burn_slow',
      'flapping',
    ])
    const domain = (await api(t).get('/alerts/templates?check_type=domain_expiry', alice)).json()
    expect(domain[0].rows.map((r: { condition: string }) => r.condition)).toEqual([
      'any_down',
      'domain_expiry',
      'slo_burn_fast',
    ])

    const applied = await api(t).post(`/alerts/monitors/${monitorId}/matrix/apply`, alice, {
      template_id: 'builtin-http-strict',
      channel_ids: [channelId],
    })
    expect(applied.statusCode).toBe(200)
    expect(applied.json().rows.filter((r: { rule_id: string | null }) => r.rule_id !== null)).toHaveLength(9)
    expect(
      (
        await api(t).put('/alerts/templates/builtin-http-strict', root, {
          name: 'x',
          check_type: 'http',
          rows: [{ condition: 'any_down' }],
        })
      ).statusCode,
    ).toBe(409)
    expect((await api(t).del('/alerts/templates/builtin-http-strict', root)).statusCode).toBe(409)
  })

  it('admins create their own templates; other users may only use them', async () => {
    const body = {
      name: 'Night shift',
      check_type: 'http',
      rows: [{ condition: 'any_down', min_duration_seconds: 180, renotify_minutes: 30 }],
    }
    expect((await api(t).post('/alerts/templates', alice, body)).statusCode).toBe(403)
    const created = await api(t).post('/alerts/templates', root, body)
    expect(created.statusCode).toBe(201)
    const id = created.json().id
    const res = await api(t).post(`/alerts/monitors/${monitorId}/matrix/apply`, alice, {
      template_id: id,
      channel_ids: [],
    })
    const rows = res.json().rows.filter((r: { rule_id: string | null }) => r.rule_id !== null)
    expect(rows).toEqual([
      expect.objectContaining({ condition: 'any_down', min_duration_seconds: 180, renotify_minutes: 30 }),
    ])
    expect((await api(t).del(`/alerts/templates/${id}`, alice)).statusCode).toBe(403)
    expect((await api(t).del(`/alerts/templates/${id}`, root)).statusCode).toBe(204)
  })
})
