import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { SMTPServer } from 'smtp-server'
import { expect } from 'vitest'
import { alertingEngine } from '../src/modules/alerting/index.js'
import { createTestContext, HTTP_MONITOR, registerProbe, type TestContext, type TestUser } from './helpers.js'

/** One request as the receiver saw it. */
export interface Received {
  method: string
  path: string
  headers: IncomingHttpHeaders
  raw: string
  /** The body as received (binary payloads: Web Push). */
  bytes: Buffer
  json: unknown
}

/**
 * A local HTTP receiver standing in for a SaaS API: it records every request exactly and answers
 * with the statuses queued by the test (200 once the queue is empty).
 */
export async function startReceiver() {
  const requests: Received[] = []
  const statuses: number[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const bytes = Buffer.concat(chunks)
      const raw = bytes.toString('utf8')
      let json: unknown = null
      try {
        json = JSON.parse(raw)
      } catch {
        json = null
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, bytes, json })
      const status = statuses.shift() ?? 200
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(status < 300 ? '{"ok":true}' : '{"error":"nope"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Queue answers for the next requests (e.g. 500, then the default 200). */
    answer: (...s: number[]) => statuses.push(...s),
    clear: () => {
      requests.length = 0
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>

export interface ReceivedMail {
  from: string
  to: string[]
  data: string
  user: string | undefined
  secure: boolean
}

/** A real SMTP server (STARTTLS with a certificate made now by openssl, AUTH PLAIN/LOGIN). */
export async function startSmtp(credentials = { user: 'alerts', pass: 's3cret' }) {
  const dir = await mkdtemp(join(tmpdir(), 'wiu-smtp-'))
  await promisify(execFile)(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'c.pem',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
    ],
    { cwd: dir },
  )
  const [key, cert] = await Promise.all([readFile(join(dir, 'k.pem')), readFile(join(dir, 'c.pem'))])
  await rm(dir, { recursive: true, force: true })
  const mails: ReceivedMail[] = []
  const server = new SMTPServer({
    key,
    cert,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    onAuth(auth, _session, cb) {
      if (auth.username === credentials.user && auth.password === credentials.pass) cb(null, { user: auth.username })
      else cb(new Error('invalid credentials'))
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
          secure: session.secure,
        })
        cb()
      })
    },
  })
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.server.address() as { port: number }).port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Decodes the base64 parts of a multipart message to their text. */
export function mailParts(data: string): { headers: string; parts: { type: string; text: string }[] } {
  const [headers = '', ...rest] = data.split('\r\n\r\n')
  const boundary = /boundary="([^"]+)"/.exec(headers)?.[1] ?? ''
  const body = rest.join('\r\n\r\n')
  const parts = body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => {
      const [h = '', b = ''] = p.replace(/^\r\n/, '').split('\r\n\r\n')
      return {
        type: /Content-Type: ([^;\r\n]+)/.exec(h)?.[1] ?? '',
        text: Buffer.from(b.replace(/\s+/g, ''), 'base64').toString('utf8'),
      }
    })
  return { headers, parts }
}

export const api = (t: TestContext) => ({
  get: (url: string, u: TestUser) => t.app.inject({ url: `/api/v1${url}`, headers: u.auth }),
  post: (url: string, u: TestUser, payload?: object) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: u.auth, ...(payload ? { payload } : {}) }),
  patch: (url: string, u: TestUser, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/v1${url}`, headers: u.auth, payload }),
  put: (url: string, u: TestUser, payload: object) =>
    t.app.inject({ method: 'PUT', url: `/api/v1${url}`, headers: u.auth, payload }),
  del: (url: string, u: TestUser) => t.app.inject({ method: 'DELETE', url: `/api/v1${url}`, headers: u.auth }),
})

export async function createChannel(
  t: TestContext,
  u: TestUser,
  kind: string,
  config: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<{ id: string }> {
  const res = await api(t).post('/alerts/channels', u, { name: `${kind} channel`, kind, config, ...extra })
  if (res.statusCode !== 201) throw new Error(`channel creation failed: ${res.body}`)
  return res.json()
}

/**
 * A monitor's life on the live path: alice's HTTP monitor "shop" (every 60 s) checked by one probe
 * (paris-1), a webhook channel to a local receiver, and `minute(result)` — one result uploaded as
 * the agent would (batch ids `prefix-1`, `prefix-2`…), the alerting engine settled, the clock moved
 * a minute on, settled again.
 */
export type LiveMonitor = Awaited<ReturnType<typeof liveMonitor>>
export async function liveMonitor(batchPrefix: string) {
  const t = await createTestContext({ ALERTING_ALLOW_PRIVATE_TARGETS: 'true', ACCESS_TOKEN_EXPIRE_MINUTES: '1440' })
  const root = await t.createUser({ username: 'root', superadmin: true })
  const alice = await t.createUser({ username: 'alice' })
  const rx = await startReceiver()
  const probe = await registerProbe(t, root, 'paris-1', { location_name: 'Paris' })
  const monitorId: string = (
    await api(t).post('/monitors', alice, { ...HTTP_MONITOR, name: 'shop', interval_seconds: 60 })
  ).json().id
  const channelId = (await createChannel(t, alice, 'webhook', { url: `${rx.url}/hook` })).id
  const settle = () => alertingEngine(t.deps)!.idle()
  let seq = 0
  return {
    t,
    root,
    alice,
    rx,
    key: probe.api_key,
    probeId: probe.id,
    monitorId,
    channelId,
    settle,
    /** The current batch number (the last `minute` sent). */
    seq: () => seq,
    async minute(result: Record<string, unknown>) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/probes/results',
        headers: { 'x-probe-api-key': probe.api_key },
        payload: {
          batch_id: `${batchPrefix}-${++seq}`,
          results: [{ monitor_id: monitorId, checked_at: t.clock.now(), ...result }],
        },
      })
      expect(res.statusCode).toBe(202)
      await settle()
      t.clock.advance(60_000)
      await settle()
    },
    async close() {
      await rx.close()
      await t.close()
    },
  }
}
