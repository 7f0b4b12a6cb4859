import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChangeSource, whatChanged } from '../src/modules/alerting/changes.js'
import { sendToChannel } from '../src/modules/alerting/delivery/dispatch.js'
import { type AlertMessage, testMessage } from '../src/modules/alerting/message.js'
import { renderMessage } from '../src/modules/alerting/render.js'
import { createChannel, type Receiver, startReceiver } from './alerting.helpers.js'
import { createTestContext, type TestContext, type TestUser } from './helpers.js'

/** "What changed" in notifications: found in stored results, rendered by every channel, EN and FR. */
const T = Date.UTC(2026, 3, 1, 9, 0)
const tls = (fp: string, issuer: string, validTo: number) =>
  JSON.stringify({ tls: { fingerprint256: fp, issuer, valid_to: validTo, authorized: true, days_remaining: 30 } })
const dns = (fp: string, answers: string[]) => JSON.stringify({ details: { answer_fingerprint: fp, answers } })
const row = (at: number, o: Partial<ChangeSource> = {}): ChangeSource => ({
  probe_id: 'p1',
  checked_at: at,
  http_status: 200,
  detail: null,
  ...o,
})

describe('whatChanged: the newest result against the same probe’s previous ones', () => {
  const cases: { name: string; rows: ChangeSource[]; expected: ReturnType<typeof whatChanged> }[] = [
    { name: 'nothing stored', rows: [], expected: [] },
    { name: 'nothing changed', rows: [row(T), row(T - 60_000)], expected: [] },
    {
      name: 'status code 200 → 503',
      rows: [row(T, { http_status: 503 }), row(T - 60_000)],
      expected: [{ what: 'status_code', before: '200', after: '503' }],
    },
    {
      name: 'another probe’s status is not a change',
      rows: [row(T, { http_status: 503 }), row(T - 1000, { probe_id: 'p2', http_status: 200 })],
      expected: [],
    },
    {
      name: 'a new certificate: fingerprint, issuer and expiry',
      rows: [
        row(T, { detail: tls('BB:02', 'CN=New CA', Date.UTC(2026, 8, 1)) }),
        row(T - 60_000),
        row(T - 120_000, { detail: tls('AA:01', 'CN=Old CA', Date.UTC(2026, 3, 20)) }),
      ],
      expected: [
        { what: 'tls_fingerprint', before: 'AA:01', after: 'BB:02' },
        { what: 'tls_issuer', before: 'CN=Old CA', after: 'CN=New CA' },
        { what: 'tls_expiry', before: '2026-04-20', after: '2026-09-01' },
      ],
    },
    {
      name: 'the same certificate in an hourly keyframe is not a change',
      rows: [
        row(T, { detail: tls('AA:01', 'CN=CA', T + 9e9) }),
        row(T - 3600_000, { detail: tls('AA:01', 'CN=CA', T + 9e9) }),
      ],
      expected: [],
    },
    {
      name: 'DNS answers moved',
      rows: [
        row(T, { detail: dns('f2', ['203.0.113.9']) }),
        row(T - 60_000, { detail: dns('f1', ['192.0.2.1', '192.0.2.2']) }),
      ],
      expected: [{ what: 'dns_answers', before: '192.0.2.1, 192.0.2.2', after: '203.0.113.9' }],
    },
  ]
  for (const c of cases) it(c.name, () => expect(whatChanged(c.rows)).toEqual(c.expected))
})

/** An opened any_down message whose latest result changed status code and certificate. */
function changedMessage(): AlertMessage {
  return {
    ...testMessage(T, 'https://wiu.example.test'),
    kind: 'opened',
    monitor: { id: 'm1', name: 'shop', check_type: 'http', target: 'https://shop.example.test' },
    failing: [{ condition: '[STATUS_CODE] == 200', actual: '503', severity: 'critical' }],
    changes: [
      { what: 'status_code', before: '200', after: '503' },
      { what: 'tls_fingerprint', before: 'AA:01', after: 'BB:02' },
    ],
    http_status: 503,
  }
}

describe('rendering what changed', () => {
  it('English and French, with the failing condition’s actual vs expected', () => {
    const en = renderMessage(changedMessage(), 'en')
    expect(en.facts).toContainEqual(['What changed', 'status code: 200 → 503; TLS certificate replaced: AA:01 → BB:02'])
    expect(en.facts).toContainEqual(['Failing condition', '[STATUS_CODE] == 200 — actual: 503'])
    expect(en.text).toContain('What changed: status code: 200 → 503; TLS certificate replaced: AA:01 → BB:02')
    expect(en.vars.changes).toBe('status code: 200 → 503; TLS certificate replaced: AA:01 → BB:02')
    const fr = renderMessage(changedMessage(), 'fr')
    expect(fr.text).toContain('Ce qui a changé: code HTTP: 200 → 503; certificat TLS remplacé: AA:01 → BB:02')
  })

  it('a resolution does not repeat the change', () => {
    const r = renderMessage({ ...changedMessage(), kind: 'resolved' }, 'en')
    expect(r.text).not.toContain('What changed')
  })
})

let t: TestContext
let alice: TestUser
let rx: Receiver
beforeAll(async () => {
  t = await createTestContext({ ALERTING_ALLOW_PRIVATE_TARGETS: 'true' })
  alice = await t.createUser({ username: 'alice' })
  rx = await startReceiver()
})
afterAll(async () => {
  await rx.close()
  await t.close()
})

describe('every channel carries the change', () => {
  const CHANGE = 'status code: 200 → 503; TLS certificate replaced: AA:01 → BB:02'
  const send = async (kind: string, config: Record<string, unknown>, locale: 'en' | 'fr' = 'en') => {
    rx.clear()
    const ch = await createChannel(t, alice, kind, config, { locale })
    const row = (await t.deps.repos.alerts.channelsByIds([ch.id]))[0]!
    await sendToChannel(t.deps, row, changedMessage(), { idempotencyKey: 'k1', dedupKey: 'd1' })
    expect(rx.requests).toHaveLength(1)
    return rx.requests[0]!
  }

  it('slack: a field', async () => {
    const req = await send('slack', { webhook_url: `${rx.url}/services/T/B/X` })
    const att = (req.json as { attachments: { fields: { title: string; value: string }[] }[] }).attachments[0]!
    expect(att.fields).toContainEqual({ title: 'What changed', value: CHANGE, short: false })
  })

  it('telegram (French): an HTML line', async () => {
    const req = await send(
      'telegram',
      { bot_token: '123456:ABCdefGHIjklMNOpqr', chat_id: '42', api_base_url: rx.url },
      'fr',
    )
    expect((req.json as { text: string }).text).toContain(
      '<b>Ce qui a changé:</b> code HTTP: 200 → 503; certificat TLS remplacé: AA:01 → BB:02',
    )
  })

  it('webhook: structured changes and the text', async () => {
    const req = await send('webhook', { url: `${rx.url}/hook` })
    const body = req.json as { changes: unknown; message: { text: string } }
    expect(body.changes).toEqual(changedMessage().changes)
    expect(body.message.text).toContain(`What changed: ${CHANGE}`)
  })

  it('ntfy: the message body', async () => {
    const req = await send('ntfy', { server_url: rx.url, topic: 'ops' })
    expect((req.json as { message: string }).message).toContain(`What changed: ${CHANGE}`)
  })
})
