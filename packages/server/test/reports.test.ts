import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  lastCompletePeriod,
  reportJobIdle,
  runDueReports,
  startReportJob,
  stopReportJob,
} from '../src/modules/reports/index.js'
import { ReportsRepository } from '../src/modules/reports/reports.repository.js'
import { api, createChannel, mailParts, startSmtp } from './alerting.helpers.js'
import { createTestContext, HTTP_MONITOR, registerProbe, type TestContext, type TestUser } from './helpers.js'

/**
 * Scheduled group SLA reports: periods in a time zone (table), the schedule API (policy, tenants,
 * validation), and the job on a fake clock sending one HTML e-mail per period to a real SMTP
 * server — exactly once, across repeated runs, concurrent runs and a restart.
 */
const H = 3_600_000

describe('report periods in a time zone', () => {
  const cases: {
    name: string
    s: 'weekly' | 'monthly'
    tz: string
    now: number
    from: number
    to: number
    key: string
  }[] = [
    {
      name: 'weekly in Paris (UTC+1 in winter): Monday to Monday, local midnights',
      s: 'weekly',
      tz: 'Europe/Paris',
      now: Date.UTC(2026, 0, 7, 12),
      from: Date.UTC(2025, 11, 28, 23),
      to: Date.UTC(2026, 0, 4, 23),
      key: 'weekly:2025-12-29',
    },
    {
      name: 'on Monday 00:30 local the week just ended is complete',
      s: 'weekly',
      tz: 'Europe/Paris',
      now: Date.UTC(2026, 0, 4, 23, 30),
      from: Date.UTC(2025, 11, 28, 23),
      to: Date.UTC(2026, 0, 4, 23),
      key: 'weekly:2025-12-29',
    },
    {
      name: 'the week with the spring DST change is 167 hours long',
      s: 'weekly',
      tz: 'Europe/Paris',
      now: Date.UTC(2026, 2, 31, 12),
      from: Date.UTC(2026, 2, 22, 23),
      to: Date.UTC(2026, 2, 29, 22),
      key: 'weekly:2026-03-23',
    },
    {
      name: 'monthly in New York',
      s: 'monthly',
      tz: 'America/New_York',
      now: Date.UTC(2026, 2, 1, 4),
      from: Date.UTC(2026, 0, 1, 5),
      to: Date.UTC(2026, 1, 1, 5),
      key: 'monthly:2026-01',
    },
    {
      name: 'monthly across the new year, UTC',
      s: 'monthly',
      tz: 'UTC',
      now: Date.UTC(2026, 0, 15),
      from: Date.UTC(2025, 11, 1),
      to: Date.UTC(2026, 0, 1),
      key: 'monthly:2025-12',
    },
  ]
  for (const c of cases)
    it(c.name, () => expect(lastCompletePeriod(c.s, c.tz, c.now)).toEqual({ from: c.from, to: c.to, key: c.key }))
})

let t: TestContext
let alice: TestUser
let bob: TestUser
let smtp: Awaited<ReturnType<typeof startSmtp>>
let groupId: string
let channelId: string
let bobChannelId: string

const emailConfig = () => ({
  to: ['alerts@example.test'],
  from: 'whatisup@example.test',
  smtp_host: '127.0.0.1',
  smtp_port: smtp.port,
  smtp_username: 'alerts',
  smtp_password: 's3cret',
  smtp_verify_tls: false,
})

beforeAll(async () => {
  t = await createTestContext({
    ALERTING_ALLOW_PRIVATE_TARGETS: 'true',
    PUBLIC_URL: 'https://wiu.example.test',
    ACCESS_TOKEN_EXPIRE_MINUTES: '1440',
  })
  const root = await t.createUser({ username: 'root', superadmin: true })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  smtp = await startSmtp()
  const probe = await registerProbe(t, root, 'paris-1')
  groupId = (await api(t).post('/groups', alice, { name: 'Checkout' })).json().id
  const ids: string[] = []
  for (const name of ['cart', 'payments']) {
    const res = await api(t).post('/monitors', alice, {
      ...HTTP_MONITOR,
      name,
      interval_seconds: 60,
      group_id: groupId,
    })
    expect(res.statusCode).toBe(201)
    ids.push(res.json().id)
  }
  // Jan 1–4: cart always up; payments down for one hour on Jan 2.
  const rows = []
  for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2026, 0, 4, 12); at += 5 * 60_000)
    for (const [i, id] of ids.entries()) {
      const down = i === 1 && at >= Date.UTC(2026, 0, 2, 10) && at < Date.UTC(2026, 0, 2, 11)
      rows.push({
        monitor_id: id,
        probe_id: probe.id,
        checked_at: at,
        status: down ? 2 : 0,
        latency_ms: 100 + i * 50,
        http_status: down ? 503 : 200,
        detail: null,
      })
    }
  for (let i = 0; i < rows.length; i += 500)
    await t.deps.repos.results.insertBatch(probe.id, `seed-${i}`, rows.slice(i, i + 500), t.clock.now())
  channelId = (await createChannel(t, alice, 'email', emailConfig())).id
  bobChannelId = (await createChannel(t, bob, 'email', emailConfig())).id
})
afterAll(async () => {
  await smtp.close()
  await t.close()
})

const SCHEDULE = () => ({
  schedule: 'weekly',
  recipients: ['cto@example.test', 'ops@example.test'],
  timezone: 'Europe/Paris',
  channel_id: channelId,
})
const path = () => `/groups/${groupId}/report-schedule`

describe('the report schedule API', () => {
  it('404 before one is set; the owner sets it; another tenant neither sees nor changes it', async () => {
    expect((await api(t).get(path(), alice)).statusCode).toBe(404)
    const put = await api(t).put(path(), alice, SCHEDULE())
    expect(put.statusCode).toBe(200)
    expect(put.json()).toEqual({ group_id: groupId, ...SCHEDULE(), enabled: true, recent: [] })
    expect((await api(t).get(path(), alice)).json().recipients).toEqual(SCHEDULE().recipients)
    expect((await api(t).get(path(), bob)).statusCode).toBe(404)
    expect((await api(t).put(path(), bob, { ...SCHEDULE(), channel_id: bobChannelId })).statusCode).toBe(404)
  })

  const bad: [string, object, string][] = [
    ['21 recipients', { recipients: Array.from({ length: 21 }, (_, i) => `r${i}@example.test`) }, 'recipients'],
    ['an address that is not one', { recipients: ['not-an-email'] }, 'recipients'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'body.timezone'],
    ['another user’s channel', { channel_id: 'x' }, 'body.channel_id'],
    ['a daily schedule', { schedule: 'daily' }, 'schedule'],
  ]
  for (const [name, patch, where] of bad)
    it(`refuses ${name} (400) and changes nothing`, async () => {
      const body = { ...SCHEDULE(), ...patch }
      if ('channel_id' in patch) body.channel_id = bobChannelId
      const res = await api(t).put(path(), alice, body)
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('VALIDATION_FAILED')
      expect(JSON.stringify(res.json().details)).toContain(where)
      expect((await api(t).get(path(), alice)).json()).toMatchObject(SCHEDULE())
    })
})

/** A fresh access token once the fake clock has moved past the old one's expiry. */
async function relogin(u: TestUser) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: u.username, password: u.password },
  })
  u.auth = { authorization: `Bearer ${res.json().access_token}` }
}

/** Moves the fake clock in job ticks, letting each run finish. */
async function advance(ms: number) {
  const step = 10 * 60_000
  for (let done = 0; done < ms; done += step) {
    t.clock.advance(Math.min(step, ms - done))
    await reportJobIdle(t.deps)
  }
}

describe('the report job', () => {
  it('sends the week’s report once, after the week ends in the group’s time zone', { timeout: 120_000 }, async () => {
    // Clock: Thu 1 Jan 2026 00:00 UTC. The week ends Mon 5 Jan 00:00 Paris = Sun 4 Jan 23:00 UTC.
    t.clock.advance(Date.UTC(2026, 0, 4, 22) - t.clock.now())
    await reportJobIdle(t.deps)
    await advance(50 * 60_000)
    expect(smtp.mails).toHaveLength(0)
    await advance(30 * 60_000)
    expect(smtp.mails).toHaveLength(1)
    const mail = smtp.mails[0]!
    expect(mail.to).toEqual(['cto@example.test', 'ops@example.test'])
    expect(mail.from).toBe('whatisup@example.test')
    expect(mail.secure).toBe(true)
    const { headers, parts } = mailParts(mail.data)
    expect(headers).toContain('Subject: [WhatIsUp] Checkout: SLA report weekly')
    const html = parts.find((p) => p.type === 'text/html')!.text
    const text = parts.find((p) => p.type === 'text/plain')!.text
    expect(text).toContain('From 2025-12-29 to 2026-01-04 (Europe/Paris)')
    expect(text).toContain('Monitors: 2')
    expect(text).toContain('Lowest uptime: 98.8')
    expect(text).toMatch(/Monitor: cart · Uptime: 100\.000 %/)
    expect(text).toMatch(/Monitor: payments · Uptime: 98\.8\d\d %/)
    expect(html).toContain('<td style="padding:4px 10px;border-bottom:1px solid #ddd;text-align:left">payments</td>')
    expect(html).toContain('https://wiu.example.test/groups/')

    // Later in the same week: nothing more, however often the job runs or restarts.
    await advance(2 * H)
    await Promise.all([runDueReports(t.deps), runDueReports(t.deps)])
    await stopReportJob(t.deps)
    startReportJob(t.deps)
    await advance(H)
    expect(smtp.mails).toHaveLength(1)
    await relogin(alice)
    const sched = (await api(t).get(path(), alice)).json()
    expect(sched.recent).toEqual([
      {
        from: '2025-12-28T23:00:00.000Z',
        to: '2026-01-04T23:00:00.000Z',
        status: 'sent',
        sent_at: expect.any(String),
        last_error: null,
      },
    ])
  })

  it('the next week is reported once more; a disabled schedule sends nothing', { timeout: 120_000 }, async () => {
    t.clock.advance(Date.UTC(2026, 0, 11, 22, 30) - t.clock.now())
    await reportJobIdle(t.deps)
    await advance(60 * 60_000)
    expect(smtp.mails).toHaveLength(2)
    expect(mailParts(smtp.mails[1]!.data).parts[0]!.text).toContain('From 2026-01-05 to 2026-01-11')
    await relogin(alice)
    expect((await api(t).put(path(), alice, { ...SCHEDULE(), enabled: false })).statusCode).toBe(200)
    t.clock.advance(Date.UTC(2026, 0, 18, 22, 30) - t.clock.now())
    await reportJobIdle(t.deps)
    await advance(60 * 60_000)
    expect(smtp.mails).toHaveLength(2)
  })

  it('a period recorded by a sender that crashed before sending is sent once its lease ends', async () => {
    await stopReportJob(t.deps) // this test plays the job itself
    await relogin(alice)
    expect((await api(t).put(path(), alice, SCHEDULE())).statusCode).toBe(200)
    // The week of 19 Jan ends Sun 25 Jan 23:00 UTC; a sender recorded it, took its lease, and died.
    t.clock.advance(Date.UTC(2026, 0, 25, 23, 1) - t.clock.now())
    const before = smtp.mails.length
    const now = t.clock.now()
    await new ReportsRepository(t.deps.database.db).recordSend({
      key: `${groupId}|weekly:2026-01-19`,
      group_id: groupId,
      period_from: Date.UTC(2026, 0, 18, 23),
      period_to: Date.UTC(2026, 0, 25, 23),
      status: 'pending',
      attempts: 0,
      lease_until: now + 4 * 60_000,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    expect(await runDueReports(t.deps)).toBe(0) // still leased by the dead sender
    t.clock.advance(5 * 60_000)
    const runs = await Promise.all([runDueReports(t.deps), runDueReports(t.deps)])
    expect(runs.sort()).toEqual([0, 1])
    expect(smtp.mails.length - before).toBe(1)
    expect(mailParts(smtp.mails.at(-1)!.data).parts[0]!.text).toContain('From 2026-01-19 to 2026-01-25')
    expect(await runDueReports(t.deps)).toBe(0)
  })
})
