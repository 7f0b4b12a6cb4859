import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, createChannel, type Receiver, startReceiver } from './alerting.helpers.js'
import { createTestContext, type TestContext, type TestUser } from './helpers.js'

/**
 * Web Push end to end: the VAPID key pair, browser subscriptions (validated, per user, encrypted
 * at rest), and the web_push channel against a local receiver acting as the push service. The test
 * plays the browser: it makes the subscription's ECDH key pair and decrypts what was sent.
 */
const PUBLIC_URL = 'https://wiu.example.test'
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

/** A browser: its P-256 key pair and auth secret, and the subscription JSON it would post. */
function browser(path: string) {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16)
  return {
    ecdh,
    auth,
    json: {
      endpoint: `${rx.url}${path}`,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    },
  }
}

/** RFC 8291 decryption, as the browser does it (single record, aes128gcm). */
function decrypt(body: Buffer, b: ReturnType<typeof browser>): string {
  const salt = body.subarray(0, 16)
  const idlen = body[20]!
  const serverKey = body.subarray(21, 21 + idlen)
  const cipher = body.subarray(21 + idlen)
  const secret = b.ecdh.computeSecret(serverKey)
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), b.ecdh.getPublicKey(), serverKey])
  const ikm = Buffer.from(hkdfSync('sha256', secret, b.auth, info, 32))
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
  const d = createDecipheriv('aes-128-gcm', cek, nonce)
  d.setAuthTag(cipher.subarray(cipher.length - 16))
  const plain = Buffer.concat([d.update(cipher.subarray(0, cipher.length - 16)), d.final()])
  // The last record ends with the 0x02 delimiter, then zero padding.
  return plain.subarray(0, plain.lastIndexOf(2)).toString('utf8')
}

/** Checks a VAPID JWT (ES256) against the instance's public key; returns its claims. */
function verifyJwt(jwt: string, publicKey: string): Record<string, unknown> {
  const [h, p, s] = jwt.split('.') as [string, string, string]
  const raw = Buffer.from(publicKey, 'base64url')
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  })
  expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'ES256' })
  expect(
    verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')),
  ).toBe(true)
  return JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
}

describe('VAPID key pair', () => {
  it('is made once, stable, and its private half is encrypted at rest', async () => {
    const a = await api(t).get('/push/vapid-public-key', alice)
    expect(a.statusCode).toBe(200)
    const key = a.json().public_key as string
    expect(Buffer.from(key, 'base64url')).toHaveLength(65)
    expect((await api(t).get('/push/vapid-public-key', bob)).json().public_key).toBe(key)
    const stored = JSON.parse((await t.deps.repos.settings.get('web_push_vapid'))!) as Record<string, string>
    expect(stored.public_key).toBe(key)
    expect(stored.private_key).toMatch(/^v1:[0-9a-f]+:/)
  })

  it('needs a signed-in user', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/push/vapid-public-key' })
    expect(res.statusCode).toBe(401)
  })
})

describe('subscriptions', () => {
  it('registers a browser once per user, encrypted at rest, listed only to its owner', async () => {
    const b = browser('/push/alice-phone')
    const first = await api(t).post('/push/subscriptions', alice, { ...b.json, label: 'Phone' })
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({ endpoint_host: new URL(rx.url).host, label: 'Phone', last_sent_at: null })
    const again = await api(t).post('/push/subscriptions', alice, b.json)
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(first.json().id)
    expect((await api(t).get('/push/subscriptions', alice)).json()).toHaveLength(1)
    expect((await api(t).get('/push/subscriptions', bob)).json()).toEqual([])
    const row = await t.deps.database.db
      .withTables<{ web_push_subscriptions: { id: string; secret: string } }>()
      .selectFrom('web_push_subscriptions')
      .select('secret')
      .where('id', '=', first.json().id)
      .executeTakeFirstOrThrow()
    expect(row.secret).not.toContain('alice-phone')
    expect(row.secret).not.toContain(b.json.keys.auth)
    // Another tenant can neither see nor delete it.
    expect((await api(t).del(`/push/subscriptions/${first.json().id}`, bob)).statusCode).toBe(404)
    expect((await api(t).del(`/push/subscriptions/${first.json().id}`, alice)).statusCode).toBe(204)
    expect((await api(t).get('/push/subscriptions', alice)).json()).toEqual([])
  })

  const bad: [string, (j: ReturnType<typeof browser>['json']) => object, string][] = [
    [
      'a key that is not a P-256 point',
      (j) => ({ ...j, keys: { ...j.keys, p256dh: randomBytes(64).toString('base64url') } }),
      'body.keys.p256dh',
    ],
    [
      'a short auth secret',
      (j) => ({ ...j, keys: { ...j.keys, auth: randomBytes(8).toString('base64url') } }),
      'body.keys.auth',
    ],
    ['an endpoint that is not a URL', (j) => ({ ...j, endpoint: 'not a url' }), 'body.endpoint'],
    ['an ftp endpoint', (j) => ({ ...j, endpoint: 'ftp://push.example.test/x' }), 'body.endpoint'],
    ['unknown fields', (j) => ({ ...j, extra: 1 }), 'body'],
  ]
  for (const [name, mutate, path] of bad)
    it(`refuses ${name} (400) and stores nothing`, async () => {
      const res = await api(t).post('/push/subscriptions', alice, mutate(browser('/push/x').json))
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('VALIDATION_FAILED')
      expect(JSON.stringify(res.json().details)).toContain(path.replace('body.', ''))
      expect((await api(t).get('/push/subscriptions', alice)).json()).toEqual([])
    })
})

describe('the web_push channel', () => {
  it('sends an encrypted, VAPID-signed push to each of the owner’s browsers (exact request)', async () => {
    const b1 = browser('/push/sub-1')
    const b2 = browser('/push/sub-2')
    await api(t).post('/push/subscriptions', alice, b1.json)
    await api(t).post('/push/subscriptions', alice, b2.json)
    await api(t).post('/push/subscriptions', bob, browser('/push/bob').json)
    const ch = await createChannel(t, alice, 'web_push', {})
    rx.clear()
    const before = Math.floor(Date.now() / 1000)
    const res = await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
    expect(res.json()).toEqual({ success: true, detail: 'accepted by 2/2 browsers' })
    expect(rx.requests.map((r) => r.path).sort()).toEqual(['/push/sub-1', '/push/sub-2'])

    const vapid = (await api(t).get('/push/vapid-public-key', alice)).json().public_key as string
    const req = rx.requests.find((r) => r.path === '/push/sub-1')!
    expect(req.method).toBe('POST')
    expect(req.headers.ttl).toBe('86400')
    expect(req.headers.urgency).toBe('high')
    expect(req.headers['content-encoding']).toBe('aes128gcm')
    expect(req.headers['content-type']).toBe('application/octet-stream')
    expect(Number(req.headers['content-length'])).toBe(req.bytes.length)
    const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(req.headers.authorization ?? '')
    expect(m).not.toBeNull()
    expect(m![2]).toBe(vapid)
    const claims = verifyJwt(m![1]!, vapid)
    expect(claims.aud).toBe(rx.url)
    expect(claims.sub).toBe(PUBLIC_URL)
    expect(claims.exp).toBeGreaterThan(before)
    expect(claims.exp).toBeLessThanOrEqual(before + 24 * 3600)

    expect(JSON.parse(decrypt(req.bytes, b1))).toEqual({
      title: '🔔 Test notification',
      body: `This is a test from WhatIsUp: this channel works.\n${PUBLIC_URL}/monitors`,
      url: `${PUBLIC_URL}/monitors`,
      tag: `whatisup-test-${ch.id}`,
      kind: 'test',
      severity: 'info',
      timestamp: t.clock.now(),
    })
    const other = rx.requests.find((r) => r.path === '/push/sub-2')!
    expect(JSON.parse(decrypt(other.bytes, b2)).kind).toBe('test')
    const listed = (await api(t).get('/push/subscriptions', alice)).json() as { last_sent_at: string | null }[]
    expect(listed.every((s) => s.last_sent_at !== null)).toBe(true)
  })

  it('forgets a subscription the push service says is gone (410), keeps the others', async () => {
    const ch = await createChannel(t, alice, 'web_push', {})
    rx.clear()
    rx.answer(410)
    const res = await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
    expect(res.json()).toEqual({ success: true, detail: 'accepted by 1/2 browsers, 1 expired and removed' })
    const left = (await api(t).get('/push/subscriptions', alice)).json() as { id: string }[]
    expect(left).toHaveLength(1)
    // The last one gone too: nothing accepted it, and the channel says why.
    rx.clear()
    rx.answer(404)
    const last = await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
    expect(last.json().success).toBe(false)
    expect(last.json().detail).toMatch(/every subscription expired/)
    expect((await api(t).get('/push/subscriptions', alice)).json()).toEqual([])
    const none = await api(t).post(`/alerts/channels/${ch.id}/test`, alice)
    expect(none.json()).toEqual({ success: false, detail: expect.stringMatching(/no browser subscribed/) })
  })

  it('a push service on a private address is refused unless private targets are allowed', async () => {
    const strict = await createTestContext({ PUBLIC_URL })
    try {
      const carol = await strict.createUser({ username: 'carol' })
      const plain = await api(strict).post('/push/subscriptions', carol, browser('/push/c').json)
      expect(plain.statusCode).toBe(400)
      expect(plain.json().details.issues[0].path).toBe('body.endpoint')
      const b = browser('/push/c')
      const ok = await api(strict).post('/push/subscriptions', carol, {
        ...b.json,
        endpoint: `https://127.0.0.1:${new URL(rx.url).port}/push/c`,
      })
      expect(ok.statusCode).toBe(201)
      const ch = await createChannel(strict, carol, 'web_push', {})
      rx.clear()
      const res = await api(strict).post(`/alerts/channels/${ch.id}/test`, carol)
      expect(res.json().success).toBe(false)
      expect(res.json().detail).toMatch(/loopback/)
      expect(rx.requests).toHaveLength(0)
    } finally {
      await strict.close()
    }
  })
})
