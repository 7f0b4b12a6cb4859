import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DomainEvents } from '../src/core/events.js'
import { PING_LIMIT_PER_IP, PING_LIMIT_PER_SLUG } from '../src/modules/heartbeats/index.js'
import { serverMonitorsIdle, startServerMonitors } from '../src/modules/server-monitors/index.js'
import { createTestContext, type RecordedEvent, recordEvents, type TestContext, type TestUser } from './helpers.js'

let t: TestContext
let alice: TestUser
let bob: TestUser
/** Whose monitors the helpers act on: a fresh user per deadline test, so outages of different tests never group. */
let owner: TestUser
let stop: () => void
const events: RecordedEvent[] = []

beforeAll(async () => {
  t = await createTestContext()
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  owner = alice
  recordEvents(t, ['IncidentOpened', 'IncidentResolved', 'MonitorStateChanged'], events)
  stop = startServerMonitors(t.deps)
  await serverMonitorsIdle(t.deps)
})
afterAll(async () => {
  stop()
  await t.close()
})

interface Hb {
  id: string
  ping_url: string
  status: string
  next_expected_at: string | null
  last_ping_at: string | null
}

const tokens = new Map<string, { at: number; authorization: string }>()
/** Access tokens live 15 minutes and these tests move the clock by days: log in again when needed. */
async function as(user: TestUser): Promise<{ authorization: string }> {
  const cached = tokens.get(user.id)
  if (cached && t.clock.now() - cached.at < 10 * 60_000) return { authorization: cached.authorization }
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: user.username, password: user.password },
  })
  const authorization = `Bearer ${res.json().access_token as string}`
  tokens.set(user.id, { at: t.clock.now(), authorization })
  return { authorization }
}

const idle = () => serverMonitorsIdle(t.deps)
/** Moves the fake clock, letting every deadline due on the way fire and be evaluated. */
async function advance(ms: number): Promise<void> {
  t.clock.advance(ms)
  for (let i = 0; i < 5; i++) {
    await idle()
    t.clock.advance(0)
  }
  await idle()
}
const iso = (ms: number) => new Date(ms).toISOString()

async function heartbeat(extra: object = { period_seconds: 300, grace_seconds: 60 }, user = owner): Promise<Hb> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/monitors',
    headers: await as(user),
    payload: { name: 'nightly backup', check_type: 'heartbeat', ...extra },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const get = async (id: string, user = owner): Promise<Hb> =>
  (await t.app.inject({ url: `/api/v1/monitors/${id}`, headers: await as(user) })).json()
const ping = (
  url: string,
  opts: {
    method?: 'GET' | 'POST' | 'HEAD'
    body?: string | Buffer
    headers?: Record<string, string>
    ip?: string
  } = {},
) =>
  t.app.inject({
    method: opts.method ?? 'GET',
    url,
    ...(opts.body !== undefined ? { payload: opts.body } : {}),
    headers: opts.headers ?? {},
    ...(opts.ip ? { remoteAddress: opts.ip } : {}),
  })
const pings = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/monitors/${id}/pings`, headers: await as(owner) })).json() as Record<
    string,
    unknown
  >[]
const runs = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/monitors/${id}/runs`, headers: await as(owner) })).json() as Record<
    string,
    unknown
  >[]
const incidents = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/monitors/${id}/incidents`, headers: await as(owner) })).json() as {
    status: string
    cause: string
    first_failure_at: string
  }[]
const eventsFor = (id: string, name: keyof DomainEvents) =>
  events.filter((e) => e.name === name && e.payload.monitorId === id).map((e) => e.payload)

describe('a new heartbeat monitor', () => {
  it('gets an unguessable ping URL and waits for its first ping: unknown, never down', async () => {
    const hb = await heartbeat()
    expect(hb.ping_url).toMatch(/^\/api\/v1\/ping\/[A-Za-z0-9_-]{32}$/)
    expect(hb).toMatchObject({ status: 'unknown', next_expected_at: null, last_ping_at: null })
    const other = await heartbeat()
    expect(other.ping_url).not.toBe(hb.ping_url)
    await advance(3 * 86_400_000)
    expect((await get(hb.id)).status).toBe('unknown')
    expect(await incidents(hb.id)).toEqual([])

    const now = t.clock.now()
    expect((await ping(hb.ping_url)).json()).toEqual({ ok: true, received_at: iso(now) })
    expect(await get(hb.id)).toMatchObject({
      status: 'up',
      last_ping_at: iso(now),
      next_expected_at: iso(now + 300_000),
    })
  })

  it('is never assigned to probes', async () => {
    const hb = await heartbeat()
    const rows = await t.deps.repos.monitors.listAssignable('external', ['http', 'tcp'])
    expect(rows.map((r) => r.id)).not.toContain(hb.id)
  })

  it('refuses a schedule that is not exactly one of period or a 5-field cron in a known time zone', async () => {
    const bad = async (extra: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/monitors',
        headers: await as(owner),
        payload: { name: 'x', check_type: 'heartbeat', ...extra },
      })
    const paths = async (extra: object) =>
      ((await bad(extra)).json().details.issues as { path: string }[]).map((i) => i.path)
    expect(await paths({})).toContain('body.period_seconds')
    expect(await paths({ period_seconds: 60, cron: '0 3 * * *' })).toContain('body.period_seconds')
    expect(await paths({ cron: '0 0 3 * * *' })).toEqual(['body.cron'])
    expect(await paths({ cron: '0 3 * * *', timezone: 'Europe/Atlantis' })).toEqual(['body.timezone'])
    expect((await bad({ cron: '0 3 * * *', timezone: 'Europe/Paris' })).statusCode).toBe(201)
  })
})

describe('deadlines, on a precise timer', () => {
  beforeEach(async () => {
    owner = await t.createUser()
  })
  afterAll(() => {
    owner = alice
  })

  it('a missed ping is down, dated at the deadline, and pages once; the next ping resolves it', async () => {
    const hb = await heartbeat({ period_seconds: 300, grace_seconds: 60 })
    const t0 = t.clock.now()
    await ping(hb.ping_url)
    await advance(359_000)
    expect((await get(hb.id)).status).toBe('up')
    await advance(2_000)
    expect((await get(hb.id)).status).toBe('down')
    const [incident] = await incidents(hb.id)
    expect(incident).toMatchObject({ status: 'open', first_failure_at: iso(t0 + 360_000) })
    expect(incident?.cause).toBe(`no ping by ${iso(t0 + 300_000)} (grace 60 s)`)
    expect(eventsFor(hb.id, 'IncidentOpened')).toEqual([expect.objectContaining({ paging: true, scope: 'global' })])

    await advance(3_600_000)
    expect(eventsFor(hb.id, 'IncidentOpened')).toHaveLength(1)
    await ping(hb.ping_url)
    expect((await get(hb.id)).status).toBe('up')
    expect((await incidents(hb.id))[0]?.status).toBe('resolved')
    expect(eventsFor(hb.id, 'IncidentResolved')).toHaveLength(1)
  })

  it('follows a cron schedule in its time zone: the next expected ping is shown, the deadline is its grace later', async () => {
    t.clock.advance(Date.parse('2026-03-28T12:00:00Z') - t.clock.now())
    await idle()
    const hb = await heartbeat({ cron: '30 2 * * *', timezone: 'Europe/Paris', grace_seconds: 600 })
    await ping(hb.ping_url)
    // 29 March: 02:30 does not exist in Paris; the job is expected at 03:00 CEST.
    expect((await get(hb.id)).next_expected_at).toBe('2026-03-29T01:00:00.000Z')
    await advance(Date.parse('2026-03-29T01:09:59Z') - t.clock.now())
    expect((await get(hb.id)).status).toBe('up')
    await advance(2_000)
    expect((await get(hb.id)).status).toBe('down')
    expect((await incidents(hb.id))[0]?.first_failure_at).toBe('2026-03-29T01:10:00.000Z')
  })

  it('re-arms when the schedule changes', async () => {
    const hb = await heartbeat({ period_seconds: 3600, grace_seconds: 60 })
    await ping(hb.ping_url)
    const t0 = t.clock.now()
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/monitors/${hb.id}`,
      headers: await as(owner),
      payload: { period_seconds: 60 },
    })
    expect(res.json().next_expected_at).toBe(iso(t0 + 60_000))
    await advance(121_000)
    expect((await get(hb.id)).status).toBe('down')
    expect((await t.deps.repos.heartbeats.find(hb.id))?.due_at).toBeNull()
  })

  it('after a maintenance window the deadline restarts from the window’s end instead of paging then', async () => {
    const hb = await heartbeat({ period_seconds: 300, grace_seconds: 60 })
    const t0 = t.clock.now()
    await ping(hb.ping_url)
    const w = await t.app.inject({
      method: 'POST',
      url: '/api/v1/maintenance',
      headers: await as(owner),
      payload: {
        name: 'backup host upgrade',
        monitor_id: hb.id,
        schedule: { kind: 'once', starts_at: iso(t0 + 240_000), ends_at: iso(t0 + 1_800_000) },
      },
    })
    expect(w.statusCode, w.body).toBe(201)
    // The deadline (t0 + 6 min) falls inside the window: nothing opens, not even a suppressed incident.
    await advance(1_800_000)
    expect((await get(hb.id)).status).toBe('up')
    expect(await incidents(hb.id)).toEqual([])
    expect((await get(hb.id)).next_expected_at).toBe(iso(t0 + 1_800_000 + 300_000))
    // Nor right after the window closes: the job gets a full period from the window's end.
    await advance(359_000)
    expect(await incidents(hb.id)).toEqual([])
    await advance(2_000)
    expect(eventsFor(hb.id, 'IncidentOpened')).toEqual([expect.objectContaining({ paging: true, suppressed: null })])
    expect((await incidents(hb.id))[0]?.first_failure_at).toBe(iso(t0 + 2_160_000))
  })

  it('pausing resets the timers; once resumed it waits for a first ping again', async () => {
    const hb = await heartbeat({ period_seconds: 300, grace_seconds: 60 })
    await ping(hb.ping_url, { method: 'POST' })
    await ping(`${hb.ping_url}/start`)
    const paused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/monitors/${hb.id}/pause`,
      headers: await as(owner),
    })
    expect(paused.json()).toMatchObject({ status: 'paused', next_expected_at: null })
    expect((await ping(hb.ping_url)).statusCode).toBe(404)
    await advance(86_400_000)
    expect(await incidents(hb.id)).toEqual([])
    const resumed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/monitors/${hb.id}/resume`,
      headers: await as(owner),
    })
    expect(resumed.json()).toMatchObject({ status: 'unknown', next_expected_at: null })
    expect((await runs(hb.id))[0]).toMatchObject({ outcome: 'reset' })
    await advance(86_400_000)
    expect((await get(hb.id)).status).toBe('unknown')
    await ping(hb.ping_url)
    expect((await get(hb.id)).status).toBe('up')
  })

  it('two heartbeats of one owner missing together join one incident group that pages once', async () => {
    const a = await heartbeat({ period_seconds: 300, grace_seconds: 60 })
    const b = await heartbeat({ period_seconds: 300, grace_seconds: 90 })
    await ping(a.ping_url)
    await ping(b.ping_url)
    await advance(400_000)
    const [openA] = eventsFor(a.id, 'IncidentOpened')
    const [openB] = eventsFor(b.id, 'IncidentOpened')
    expect(openA).toMatchObject({ paging: true, groupId: null })
    expect(openB).toMatchObject({ paging: false, suppressed: 'grouped' })
    expect(openB?.groupId).toBeTruthy()
  })

  it('keeps the deadline in storage, so a restart re-arms it', async () => {
    const hb = await heartbeat({ period_seconds: 600, grace_seconds: 30 })
    await ping(hb.ping_url)
    const due = (await t.deps.repos.heartbeats.listDue()).find((r) => r.monitor_id === hb.id)
    expect(due?.due_at).toBe(t.clock.now() + 630_000)
  })
})

describe('runs: start, finish, run ids', () => {
  it('pairs each finish with its start by run id, so concurrent runs get their own durations', async () => {
    const hb = await heartbeat({ period_seconds: 3600, grace_seconds: 600 })
    const a = randomUUID()
    const b = randomUUID()
    await ping(`${hb.ping_url}/start?rid=${a}`)
    await advance(10_000)
    await ping(`${hb.ping_url}/start?rid=${b}`)
    await advance(5_000)
    await ping(`${hb.ping_url}?rid=${a}`)
    await advance(20_000)
    await ping(`${hb.ping_url}/0?rid=${b}`)
    const list = await runs(hb.id)
    expect(list.map((r) => [r.rid, r.duration_ms, r.outcome, r.late])).toEqual([
      [b, 25_000, 'success', false],
      [a, 15_000, 'success', false],
    ])
    const finished = (await pings(hb.id)).filter((p) => p.kind === 'success')
    expect(finished.map((p) => p.duration_ms)).toEqual([25_000, 15_000])
    expect((await get(hb.id)).status).toBe('up')
  })

  it('a run started and not finished within grace is down, "started but never finished"; a late finish is recorded late and recovers', async () => {
    const hb = await heartbeat({ period_seconds: 3600, grace_seconds: 60 })
    await ping(hb.ping_url)
    const started = t.clock.now()
    await ping(`${hb.ping_url}/start`)
    await advance(60_500)
    expect((await get(hb.id)).status).toBe('down')
    const [incident] = await incidents(hb.id)
    expect(incident?.cause).toBe(`started at ${iso(started)} but never finished`)
    expect(incident?.first_failure_at).toBe(iso(started + 60_000))
    expect((await runs(hb.id))[0]).toMatchObject({ outcome: 'timeout', finished_at: null })

    await advance(30_000)
    await ping(hb.ping_url)
    expect((await runs(hb.id))[0]).toMatchObject({ outcome: 'success', late: true, duration_ms: 90_500 })
    expect((await get(hb.id)).status).toBe('up')
    expect((await incidents(hb.id))[0]?.status).toBe('resolved')
  })

  it('a new start without a run id replaces the previous one', async () => {
    const hb = await heartbeat({ period_seconds: 3600, grace_seconds: 600 })
    await ping(`${hb.ping_url}/start`)
    await advance(1_000)
    await ping(`${hb.ping_url}/start`)
    await advance(2_000)
    await ping(hb.ping_url)
    expect((await runs(hb.id)).map((r) => [r.outcome, r.duration_ms])).toEqual([
      ['success', 2_000],
      ['superseded', null],
    ])
  })

  it('exit statuses: 0 is a success, anything else a failure named in the cause; /fail fails; /log changes nothing', async () => {
    const hb = await heartbeat({ period_seconds: 3600, grace_seconds: 60 })
    await ping(`${hb.ping_url}/0`)
    expect((await get(hb.id)).status).toBe('up')
    await ping(`${hb.ping_url}/3`, { method: 'POST', body: '\nrsync: disk full\nmore' })
    expect((await get(hb.id)).status).toBe('down')
    expect((await incidents(hb.id))[0]?.cause).toBe('exit status 3: rsync: disk full')
    await ping(`${hb.ping_url}/log`, { method: 'POST', body: 'still trying' })
    expect((await get(hb.id)).status).toBe('down')
    await ping(hb.ping_url)
    expect((await get(hb.id)).status).toBe('up')
    await ping(`${hb.ping_url}/fail`)
    expect((await incidents(hb.id))[0]?.cause).toBe('failure signal received')
    expect((await ping(`${hb.ping_url}/256`)).statusCode).toBe(404)
    expect((await ping(`${hb.ping_url}/restart`)).statusCode).toBe(404)
    expect((await pings(hb.id)).map((p) => [p.kind, p.exit_status])).toEqual([
      ['fail', null],
      ['success', null],
      ['log', null],
      ['fail', 3],
      ['success', 0],
    ])
  })

  it('refuses a run id that is not a UUID', async () => {
    const hb = await heartbeat()
    const res = await ping(`${hb.ping_url}/start?rid=1234`)
    expect(res.statusCode).toBe(400)
    expect(res.json().details.issues).toEqual([{ path: 'query.rid', message: 'expected a UUID' }])
  })
})

describe('what a ping carries', () => {
  it('stores the body up to 10 000 bytes (longer: cut and flagged), the user agent and the source address', async () => {
    const hb = await heartbeat()
    await ping(hb.ping_url, {
      method: 'POST',
      body: 'backup done: 12 GB',
      headers: { 'content-type': 'text/plain', 'user-agent': 'curl/8.5.0' },
      ip: '10.1.2.3',
    })
    await ping(`${hb.ping_url}/log`, {
      method: 'POST',
      body: Buffer.alloc(12_000, 'x'),
      headers: { 'content-type': 'application/octet-stream' },
    })
    await ping(hb.ping_url, { method: 'HEAD' })
    const [head, big, small] = await pings(hb.id)
    expect(small).toMatchObject({
      kind: 'success',
      method: 'POST',
      body: 'backup done: 12 GB',
      body_size: 18,
      body_truncated: false,
      user_agent: 'curl/8.5.0',
      source_ip: '10.1.2.3',
    })
    expect(big).toMatchObject({ kind: 'log', body_size: 12_000, body_truncated: true })
    expect(String(big?.body)).toHaveLength(10_000)
    expect(head).toMatchObject({ method: 'HEAD', body: null, body_size: 0 })
  })

  it('takes any content type, JSON and forms included, as the raw body', async () => {
    const hb = await heartbeat()
    await ping(hb.ping_url, { method: 'POST', body: '{"rows":42}', headers: { 'content-type': 'application/json' } })
    await ping(hb.ping_url, {
      method: 'POST',
      body: 'a=1&b=2',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect((await pings(hb.id)).map((p) => p.body)).toEqual(['a=1&b=2', '{"rows":42}'])
  })

  it('pings and runs are visible to who can see the monitor only', async () => {
    const hb = await heartbeat()
    expect((await t.app.inject({ url: `/api/v1/monitors/${hb.id}/pings`, headers: await as(bob) })).statusCode).toBe(
      404,
    )
    expect((await t.app.inject({ url: `/api/v1/monitors/${hb.id}/runs` })).statusCode).toBe(401)
  })
})

describe('public ping URLs', () => {
  it('unknown, paused and malformed URLs answer the same 404, so slugs cannot be enumerated', async () => {
    const hb = await heartbeat()
    await t.app.inject({ method: 'POST', url: `/api/v1/monitors/${hb.id}/pause`, headers: await as(owner) })
    const bodies = []
    for (const url of [
      hb.ping_url,
      '/api/v1/ping/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/api/v1/ping/x',
      `${hb.ping_url}/start`,
    ]) {
      const res = await ping(url)
      expect(res.statusCode).toBe(404)
      const { requestId: _, ...body } = res.json()
      bodies.push(body)
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1)
    expect(bodies[0]).toEqual({ code: 'NOT_FOUND', message: 'no such ping URL' })
  })

  it('are rate-limited per URL and per source address: 429 with Retry-After', async () => {
    const hb = await heartbeat()
    for (let i = 0; i < PING_LIMIT_PER_SLUG; i++) {
      expect((await ping(`${hb.ping_url}/log`, { ip: '192.0.2.1' })).statusCode).toBe(200)
    }
    const limited = await ping(hb.ping_url, { ip: '192.0.2.2' })
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBe('RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    // Per address: unknown URLs count too (and cost nothing else), then everything from it is refused.
    for (let i = 0; i < PING_LIMIT_PER_IP; i++)
      await ping(`/api/v1/ping/unknown-slug-${i}-xxxxxxxx`, { ip: '198.51.100.7' })
    const other = await heartbeat()
    expect((await ping(other.ping_url, { ip: '198.51.100.7' })).statusCode).toBe(429)
    expect((await ping(other.ping_url, { ip: '198.51.100.8' })).statusCode).toBe(200)
    await advance(61_000)
    expect((await ping(hb.ping_url, { ip: '192.0.2.1' })).statusCode).toBe(200)
  })
})
