import { createHash, createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNEL_DRIVERS, CHANNEL_KINDS } from '../src/modules/alerting/index.js'
import { testMessage } from '../src/modules/alerting/message.js'
import { renderMessage } from '../src/modules/alerting/render.js'
import { api, createChannel, mailParts, type Receiver, startReceiver, startSmtp } from './alerting.helpers.js'
import { createTestContext, type TestContext, type TestUser } from './helpers.js'

const PUBLIC_URL = 'https://wiu.example.test'
const NOW = Date.UTC(2026, 0, 1)
const TS = Math.floor(NOW / 1000)
const TITLE = '🔔 Test notification'
const SUMMARY = 'This is a test from WhatIsUp: this channel works.'
const LINK = `${PUBLIC_URL}/monitors`
const TEXT = `${TITLE}\n${SUMMARY}\n${LINK}`
const TG_TOKEN = '123456:ABCdefGHIjklMNOpqr'
const PD_KEY = 'R0UT1NGK3Y0123456789abcdefABCDEF'
const GENIE = '0123456789abcdef0123456789abcdef'
const PO_USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG'
const PO_APP = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi'

let t: TestContext
let alice: TestUser
let bob: TestUser
let rx: Receiver

beforeAll(async () => {
  t = await createTestContext({ ALERTING_ALLOW_PRIVATE_TARGETS: 'true', PUBLIC_URL })
  alice = await t.createUser({ username: 'alice' })
  bob = await t.createUser({ username: 'bob' })
  rx = await startReceiver()
})
afterAll(async () => {
  await rx.close()
  await t.close()
})

/** Creates a channel, presses its test button, and returns the single request the receiver got. */
async function testSend(kind: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  rx.clear()
  const ch = await createChannel(t, alice, kind, config, extra)
  const res = await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
  expect(res.statusCode).toBe(200)
  expect(res.json()).toMatchObject({ success: true, detail: 'HTTP 200' })
  expect(rx.requests).toHaveLength(1)
  return { ch, req: rx.requests[0]! }
}

describe('every channel against a local receiver (exact request)', () => {
  it('the registry covers every kind', () => {
    expect(Object.keys(CHANNEL_DRIVERS).sort()).toEqual([...CHANNEL_KINDS].sort())
  })

  it('webhook: JSON body, timestamp and HMAC-SHA256 signature over "<timestamp>.<raw body>"', async () => {
    const { ch, req } = await testSend('webhook', {
      url: `${rx.url}/hooks/wiu?x=1`,
      secret: 'shh-shared',
      headers: { 'X-Team': 'ops' },
    })
    expect(req.method).toBe('POST')
    expect(req.path).toBe('/hooks/wiu?x=1')
    expect(req.headers['content-type']).toBe('application/json')
    expect(req.headers['user-agent']).toBe(`WhatIsUp/${t.deps.version}`)
    expect(req.headers['x-team']).toBe('ops')
    expect(req.headers['x-whatisup-event']).toBe('test')
    expect(req.headers['x-whatisup-timestamp']).toBe(String(TS))
    expect(req.headers['x-whatisup-delivery']).toBe(`test|${ch.id}|${NOW}`)
    const expected = createHmac('sha256', 'shh-shared').update(`${TS}.${req.raw}`).digest('hex')
    expect(req.headers['x-whatisup-signature']).toBe(`sha256=${expected}`)
    expect(req.json).toEqual({
      event: 'test',
      condition: 'any_down',
      idempotency_key: `test|${ch.id}|${NOW}`,
      timestamp: '2026-01-01T00:00:00.000Z',
      rule: null,
      monitor: null,
      incident: null,
      probe: null,
      affected_probes: [],
      observation: null,
      failing_conditions: [],
      changes: [],
      http_status: null,
      error: null,
      timings: null,
      digest: null,
      message: { title: TITLE, summary: SUMMARY, text: TEXT },
    })
  })

  it('webhook: a body template gets JSON-escaped values; no secret, no signature', async () => {
    const { req } = await testSend(
      'webhook',
      { url: `${rx.url}/tpl` },
      { template: '{"text":"{{title}}","why":"{{summary}}","at":"{{timestamp}}"}' },
    )
    expect(req.headers['x-whatisup-signature']).toBeUndefined()
    expect(req.json).toEqual({ text: TITLE, why: SUMMARY, at: '2026-01-01T00:00:00.000Z' })
  })

  it('slack: attachment with colour, title link and timestamp', async () => {
    const { req } = await testSend('slack', { webhook_url: `${rx.url}/services/T000/B000/XXXX` })
    expect(req.path).toBe('/services/T000/B000/XXXX')
    expect(req.json).toEqual({
      text: TITLE,
      attachments: [
        { fallback: TITLE, color: '#4f9cf9', title: TITLE, title_link: LINK, text: SUMMARY, fields: [], ts: TS },
      ],
    })
  })

  it('discord: one embed, mentions disabled', async () => {
    const { req } = await testSend('discord', { webhook_url: `${rx.url}/api/webhooks/1/abc` })
    expect(req.path).toBe('/api/webhooks/1/abc')
    expect(req.json).toEqual({
      username: 'WhatIsUp',
      embeds: [
        {
          title: TITLE,
          url: LINK,
          description: SUMMARY,
          color: 0x4f9cf9,
          fields: [],
          timestamp: '2026-01-01T00:00:00.000Z',
        },
      ],
      allowed_mentions: { parse: [] },
    })
  })

  it('teams: an Adaptive Card 1.5 message', async () => {
    const { req } = await testSend('teams', { webhook_url: `${rx.url}/workflows/run` })
    expect(req.json).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.5',
            body: [
              { type: 'TextBlock', size: 'Large', weight: 'Bolder', color: 'accent', text: TITLE, wrap: true },
              { type: 'TextBlock', text: SUMMARY, wrap: true },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'WhatIsUp', url: LINK }],
          },
        },
      ],
    })
  })

  it('mattermost: Slack-compatible attachment with username and channel', async () => {
    const { req } = await testSend('mattermost', { webhook_url: `${rx.url}/hooks/mm`, channel: 'ops' })
    expect(req.json).toEqual({
      username: 'WhatIsUp',
      icon_emoji: ':satellite:',
      channel: 'ops',
      text: TITLE,
      attachments: [
        { fallback: TITLE, color: '#4f9cf9', title: TITLE, title_link: LINK, text: SUMMARY, fields: [], ts: TS },
      ],
    })
  })

  it('telegram: sendMessage with the bot token in the path, HTML escaped', async () => {
    const { req } = await testSend('telegram', { bot_token: TG_TOKEN, chat_id: '-100200300', api_base_url: rx.url })
    expect(req.path).toBe(`/bot${TG_TOKEN}/sendMessage`)
    expect(req.json).toEqual({
      chat_id: '-100200300',
      text: `<b>${TITLE}</b>\n${SUMMARY}\n<a href="${LINK}">WhatIsUp</a>`,
      parse_mode: 'HTML',
      disable_web_page_preview: true,
    })
  })

  it('pagerduty: Events v2 trigger with a dedup key', async () => {
    const { ch, req } = await testSend('pagerduty', { routing_key: PD_KEY, api_base_url: rx.url })
    expect(req.path).toBe('/v2/enqueue')
    expect(req.json).toEqual({
      routing_key: PD_KEY,
      event_action: 'trigger',
      dedup_key: `whatisup-test-${ch.id}`,
      payload: {
        summary: `${TITLE} — ${SUMMARY}`,
        source: 'WhatIsUp',
        severity: 'info',
        timestamp: '2026-01-01T00:00:00.000Z',
        class: 'any_down',
        custom_details: {},
      },
      links: [{ href: LINK, text: 'WhatIsUp' }],
    })
  })

  it('opsgenie: create by alias with the GenieKey header; region picks the base URL', async () => {
    const { ch, req } = await testSend('opsgenie', { api_key: GENIE, api_base_url: rx.url, priority: 'P2' })
    expect(req.path).toBe('/v2/alerts')
    expect(req.headers.authorization).toBe(`GenieKey ${GENIE}`)
    expect(req.json).toEqual({
      message: TITLE,
      alias: `whatisup-test-${ch.id}`,
      description: TEXT,
      priority: 'P5',
      source: 'WhatIsUp',
      tags: ['whatisup', 'any_down'],
      details: {},
    })
    const urls: string[] = []
    const io = {
      version: 'x',
      http: async (r: { url: string }) => {
        urls.push(r.url)
        return { status: 202, headers: {}, body: '' }
      },
      smtp: async () => '',
      push: {
        targets: async () => [],
        vapid: async () => ({ publicKey: '', privateKey: '', subject: '' }),
        gone: async () => {},
        sent: async () => {},
      },
    }
    const model = { ...testMessage(NOW, undefined), kind: 'resolved' as const }
    const out = {
      model,
      rendered: renderMessage(model, 'en'),
      template: null,
      idempotencyKey: 'k',
      dedupKey: 'whatisup-i1',
      now: NOW,
    }
    await CHANNEL_DRIVERS.opsgenie.send({ api_key: GENIE, region: 'eu', priority: 'P1', api_base_url: '' }, out, io)
    expect(urls).toEqual(['https://api.eu.opsgenie.com/v2/alerts/whatisup-i1/close?identifierType=alias'])
  })

  it('signal: the signal-cli REST gateway /v2/send', async () => {
    const { req } = await testSend('signal', {
      api_url: rx.url,
      number: '+33612345678',
      recipients: ['+33700000000', 'group.YWJjZGVmZ2hpams='],
    })
    expect(req.path).toBe('/v2/send')
    expect(req.json).toEqual({
      message: TEXT,
      number: '+33612345678',
      recipients: ['+33700000000', 'group.YWJjZGVmZ2hpams='],
    })
  })

  it('ntfy: JSON publish with topic, priority, tags, click and bearer token', async () => {
    const { req } = await testSend('ntfy', { server_url: rx.url, topic: 'wiu-alerts', token: 'tk_abcdef' })
    expect(req.path).toBe('/')
    expect(req.headers.authorization).toBe('Bearer tk_abcdef')
    expect(req.json).toEqual({
      topic: 'wiu-alerts',
      title: TITLE,
      message: `${SUMMARY}\n${LINK}`,
      priority: 3,
      tags: ['bell'],
      click: LINK,
    })
  })

  it('gotify: /message with the app token header', async () => {
    const { req } = await testSend('gotify', { server_url: `${rx.url}/gotify`, app_token: 'AbCdEf123456' })
    expect(req.path).toBe('/gotify/message')
    expect(req.headers['x-gotify-key']).toBe('AbCdEf123456')
    expect(req.json).toEqual({
      title: TITLE,
      message: `${SUMMARY}\n${LINK}`,
      priority: 8,
      extras: { 'client::notification': { click: { url: LINK } } },
    })
  })

  it('pushover: /1/messages.json', async () => {
    const { req } = await testSend('pushover', { user_key: PO_USER, app_token: PO_APP, api_base_url: rx.url })
    expect(req.path).toBe('/1/messages.json')
    expect(req.json).toEqual({
      token: PO_APP,
      user: PO_USER,
      title: TITLE,
      message: `${SUMMARY}\n${LINK}`,
      priority: 0,
      timestamp: TS,
      url: LINK,
      url_title: 'WhatIsUp',
    })
  })

  it('matrix: PUT m.room.message with a transaction id derived from the idempotency key', async () => {
    const { ch, req } = await testSend('matrix', {
      homeserver_url: rx.url,
      room_id: '!ops:example.org',
      access_token: 'syt_secret_token',
    })
    const txn = createHash('sha256').update(`test|${ch.id}|${NOW}`).digest('hex').slice(0, 32)
    expect(req.method).toBe('PUT')
    expect(req.path).toBe(`/_matrix/client/v3/rooms/!ops%3Aexample.org/send/m.room.message/${txn}`)
    expect(req.headers.authorization).toBe('Bearer syt_secret_token')
    expect(req.json).toEqual({
      msgtype: 'm.text',
      body: TEXT,
      format: 'org.matrix.custom.html',
      formatted_body: `<b>${TITLE}</b><br>${SUMMARY}<br><a href="${LINK}">WhatIsUp</a>`,
    })
  })

  it('google chat: text message threaded per incident', async () => {
    const { ch, req } = await testSend('google_chat', { webhook_url: `${rx.url}/v1/spaces/AAA/messages?key=k&token=t` })
    expect(req.path).toBe(
      '/v1/spaces/AAA/messages?key=k&token=t&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
    )
    expect(req.json).toEqual({
      text: `*${TITLE}*\n${SUMMARY}\n${LINK}`,
      thread: { threadKey: `whatisup-test-${ch.id}` },
    })
  })

  it('email: SMTP with STARTTLS and AUTH, a text and an HTML part, in French when the channel says so', async () => {
    const smtp = await startSmtp()
    try {
      const ch = await createChannel(
        t,
        alice,
        'email',
        {
          to: ['ops@example.test', 'oncall@example.test'],
          from: 'whatisup@example.test',
          smtp_host: '127.0.0.1',
          smtp_port: smtp.port,
          smtp_username: 'alerts',
          smtp_password: 's3cret',
          smtp_verify_tls: false,
        },
        { locale: 'fr' },
      )
      const res = await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
      expect(res.json()).toMatchObject({ success: true, detail: expect.stringMatching(/^250 /) })
      expect(smtp.mails).toHaveLength(1)
      const mail = smtp.mails[0]!
      expect(mail).toMatchObject({
        from: 'whatisup@example.test',
        to: ['ops@example.test', 'oncall@example.test'],
        user: 'alerts',
        secure: true,
      })
      const { headers, parts } = mailParts(mail.data)
      const subject = /Subject: =\?UTF-8\?B\?([^?]+)\?=/.exec(headers)?.[1] ?? ''
      expect(Buffer.from(subject, 'base64').toString('utf8')).toBe('[WhatIsUp] 🔔 Notification de test')
      expect(headers).toContain('To: ops@example.test, oncall@example.test')
      expect(parts.map((p) => p.type)).toEqual(['text/plain', 'text/html'])
      expect(parts[0]?.text).toBe(
        `🔔 Notification de test\nCeci est un test de WhatIsUp : ce canal fonctionne.\n${LINK}`,
      )
      expect(parts[1]?.text).toContain('<h2 style="margin:0 0 8px">🔔 Notification de test</h2>')

      // A wrong password is a permanent failure (535), reported by the test button.
      await api(t).patch(`/alerts/channels/${ch.id}`, alice, {
        config: {
          to: ['ops@example.test'],
          from: 'whatisup@example.test',
          smtp_host: '127.0.0.1',
          smtp_port: smtp.port,
          smtp_username: 'alerts',
          smtp_password: 'wrong',
          smtp_verify_tls: false,
        },
      })
      const bad = await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
      expect(bad.json()).toMatchObject({ success: false, detail: expect.stringMatching(/^SMTP AUTH: 535/) })
    } finally {
      await smtp.close()
    }
  })
})

describe('channel secrets and validation', () => {
  it('secrets are encrypted at rest, never returned, and kept when sent back as ""', async () => {
    rx.clear()
    const ch = await createChannel(t, alice, 'telegram', { bot_token: TG_TOKEN, chat_id: '42', api_base_url: rx.url })
    const out = (await api(t).get(`/alerts/channels/${ch.id}`, alice)).json()
    expect(out.config).toEqual({ bot_token: '', chat_id: '42', api_base_url: rx.url })
    expect(out.secrets_set).toEqual(['bot_token'])
    const row = await t.deps.repos.alerts.findChannel(ch.id)
    expect(row?.config).not.toContain(TG_TOKEN)
    expect(JSON.parse(row?.config ?? '{}').bot_token).toMatch(/^v1:/)

    const patched = await api(t).patch(`/alerts/channels/${ch.id}`, alice, {
      name: 'renamed',
      config: { bot_token: '', chat_id: '43', api_base_url: rx.url },
    })
    expect(patched.statusCode).toBe(200)
    await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
    expect(rx.requests.at(-1)?.path).toBe(`/bot${TG_TOKEN}/sendMessage`)
    expect((rx.requests.at(-1)!.json as { chat_id: string }).chat_id).toBe('43')
  })

  it('configs are validated per kind at save time, with the field named', async () => {
    const res = await api(t).post('/alerts/channels', alice, {
      name: 'bad',
      kind: 'telegram',
      config: { bot_token: 'nope', chat_id: '1', extra: true },
    })
    expect(res.statusCode).toBe(400)
    const paths = res.json().details.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['body.config.bot_token', 'body.config.extra']))
  })

  it('only a superadmin may let a webhook reach private addresses', async () => {
    const res = await api(t).post('/alerts/channels', alice, {
      name: 'lan hook',
      kind: 'webhook',
      config: { url: 'http://10.0.0.5/hook' },
      allow_private: true,
    })
    expect(res.statusCode).toBe(403)
  })

  it("another user's channels are invisible: list, read, test, edit and delete all say 404", async () => {
    const ch = await createChannel(t, alice, 'slack', { webhook_url: `${rx.url}/s` })
    expect((await api(t).get('/alerts/channels', bob)).json()).toEqual([])
    expect((await api(t).get(`/alerts/channels/${ch.id}`, bob)).statusCode).toBe(404)
    expect((await api(t).post(`/alerts/channels/${ch.id}/test`, bob)).statusCode).toBe(404)
    expect((await api(t).patch(`/alerts/channels/${ch.id}`, bob, { name: 'x' })).statusCode).toBe(404)
    expect((await api(t).del(`/alerts/channels/${ch.id}`, bob)).statusCode).toBe(404)
    expect((await api(t).get(`/alerts/channels/${ch.id}`, alice)).statusCode).toBe(200)
  })

  it('lists each kind with its JSON Schema and secret fields for the UI', async () => {
    const kinds = (await api(t).get('/alerts/channel-kinds', alice)).json() as {
      kind: string
      secrets: string[]
      lan: boolean
      schema: { properties: object }
    }[]
    expect(kinds.map((k) => k.kind).sort()).toEqual([...CHANNEL_KINDS].sort())
    const signal = kinds.find((k) => k.kind === 'signal')
    expect(signal).toMatchObject({ lan: true, secrets: [] })
    expect(Object.keys(kinds.find((k) => k.kind === 'pushover')?.schema.properties ?? {})).toContain('user_key')
  })
})

describe('SSRF: targets are checked at send time', () => {
  let strict: TestContext
  let root: TestUser
  let carol: TestUser
  let lan: Receiver
  beforeAll(async () => {
    strict = await createTestContext()
    root = await strict.createUser({ username: 'root', superadmin: true })
    carol = await strict.createUser({ username: 'carol' })
    lan = await startReceiver()
  })
  afterAll(async () => {
    await lan.close()
    await strict.close()
  })

  const press = async (u: TestUser, kind: string, config: Record<string, unknown>, extra = {}) => {
    const ch = await createChannel(strict, u, kind, config, extra)
    return (await api(strict).post(`/alerts/channels/${ch.id}/test`, u)).json() as { success: boolean; detail: string }
  }

  it('a webhook to loopback, a private range or the metadata address is refused', async () => {
    expect(await press(carol, 'webhook', { url: `${lan.url}/x` })).toEqual({
      success: false,
      detail: 'refused: 127.0.0.1 resolves to a loopback address (127.0.0.1)',
    })
    expect((await press(carol, 'webhook', { url: 'http://169.254.169.254/latest/meta-data' })).detail).toMatch(
      /link-local\/metadata/,
    )
    expect((await press(carol, 'slack', { webhook_url: 'http://localhost:9/x' })).detail).toMatch(/^refused: localhost/)
    expect(lan.requests).toHaveLength(0)
  })

  it('LAN kinds (signal, gotify, ntfy, matrix, mattermost) may reach private addresses, never metadata', async () => {
    expect(await press(carol, 'gotify', { server_url: lan.url, app_token: 'AbCdEf123456' })).toMatchObject({
      success: true,
    })
    expect(
      (
        await press(carol, 'signal', {
          api_url: 'http://169.254.169.254',
          number: '+33612345678',
          recipients: ['+33612345679'],
        })
      ).detail,
    ).toMatch(/^refused/)
    expect(lan.requests).toHaveLength(1)
  })

  it('a webhook with allow_private (set by a superadmin) may reach the LAN', async () => {
    expect(await press(root, 'webhook', { url: `${lan.url}/ok` }, { allow_private: true })).toMatchObject({
      success: true,
    })
    expect(lan.requests.at(-1)?.path).toBe('/ok')
  })
})
