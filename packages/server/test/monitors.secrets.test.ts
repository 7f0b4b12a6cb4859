import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decryptSecret, deriveSecretKey, encryptSecret, SecretDecryptError } from '../src/core/crypto.js'
import { toConfig } from '../src/modules/monitors/index.js'
import { createTestContext, type TestContext, type TestUser } from './helpers.js'

describe('core/crypto', () => {
  const key = deriveSecretKey('k'.repeat(40), 'test')
  const ctx = 'monitor:m1:password'

  it('round-trips under a fresh IV each time, behind a versioned prefix', () => {
    const a = encryptSecret(key, 'hunter2 ✓', ctx)
    const b = encryptSecret(key, 'hunter2 ✓', ctx)
    expect(a).toMatch(/^v1:[0-9a-f]{16}:[A-Za-z0-9_-]+$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('hunter2')
    expect(decryptSecret(key, a, ctx)).toBe('hunter2 ✓')
    expect(decryptSecret(key, encryptSecret(key, '', ctx), ctx)).toBe('')
  })

  it('binds keys to their purpose', () => {
    const other = deriveSecretKey('k'.repeat(40), 'other-purpose')
    expect(other.id).not.toBe(key.id)
    expect(other.key.equals(key.key)).toBe(false)
    expect(deriveSecretKey('k'.repeat(40), 'test')).toEqual(key)
  })

  it('refuses anything tampered with, moved, or made under another key', () => {
    const token = encryptSecret(key, 'hunter2', ctx)
    const [version, id, data] = token.split(':') as [string, string, string]
    const bytes = Buffer.from(data, 'base64url')
    const flipped = (at: number) => {
      const copy = Buffer.from(bytes)
      copy[at] = (copy[at] ?? 0) ^ 1
      return `${version}:${id}:${copy.toString('base64url')}`
    }
    const bad = [
      flipped(0), // IV
      flipped(14), // ciphertext
      flipped(bytes.length - 1), // auth tag
      `${version}:${id}:${data.slice(0, -4)}`, // truncated
      `v2:${id}:${data}`,
      'hunter2',
    ]
    for (const t of bad) expect(() => decryptSecret(key, t, ctx), t).toThrow(SecretDecryptError)
    expect(() => decryptSecret(key, token, 'monitor:m2:password')).toThrow(SecretDecryptError)
    expect(() => decryptSecret(deriveSecretKey('z'.repeat(40), 'test'), token, ctx)).toThrow(/another SECRET_KEY/)
  })
})

let t: TestContext
let alice: TestUser
let probeKey: string
beforeAll(async () => {
  t = await createTestContext()
  alice = await t.createUser({ username: 'alice' })
  const admin = await t.createUser({ username: 'root', superadmin: true })
  const probe = await t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/register',
    headers: admin.auth,
    payload: { name: 'secrets-probe', network_type: 'internal' },
  })
  probeKey = probe.json().api_key
})
afterAll(() => t.close())

const create = (payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/monitors', headers: alice.auth, payload })
const patch = (id: string, payload: object) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/monitors/${id}`, headers: alice.auth, payload })
const get = (id: string) => t.app.inject({ url: `/api/v1/monitors/${id}`, headers: alice.auth })
const heartbeat = () =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/heartbeat',
    headers: { 'x-probe-api-key': probeKey },
    payload: {},
  })
async function assigned(id: string): Promise<Record<string, unknown>> {
  const res = await heartbeat()
  expect(res.statusCode, res.body).toBe(200)
  const m = (res.json().monitors as { id: string }[]).find((x) => x.id === id)
  if (!m) throw new Error(`monitor ${id} not assigned`)
  return m as Record<string, unknown>
}
async function row(id: string) {
  const [r] = await t.deps.repos.monitors.findManyByIds([id])
  if (!r) throw new Error('no row')
  return r
}
/** The raw JSON column, where secrets must be tokens. */
type Stored = Record<string, unknown> & {
  password?: string | null
  auth?: { password?: string } | null
  client_cert?: { cert: string; key: string } | null
}
const storedConfig = async (id: string) => JSON.parse((await row(id)).config) as Stored
const SERVER_FIELDS = ['id', 'target', 'owner_id', 'team_id', 'status', 'status_since', 'last_checked_at']
const withoutServerFields = (m: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(m).filter(
      ([k]) => ![...SERVER_FIELDS, 'last_response_time_ms', 'created_at', 'updated_at'].includes(k),
    ),
  )

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----'
const HTTP_WITH_SECRETS = {
  name: 'private api',
  url: 'https://api.example.com/health',
  auth: { type: 'basic', username: 'ops', password: 'pa55-word' },
  client_cert: { cert: PEM_CERT, key: PEM_KEY },
}

describe('secrets at rest', () => {
  it('stores secrets encrypted, answers them as "", and hands plaintext to the probe', async () => {
    const res = await create(HTTP_WITH_SECRETS)
    expect(res.statusCode, res.body).toBe(201)
    const m = res.json()
    expect(m.auth).toEqual({ type: 'basic', username: 'ops', password: '' })
    expect(m.client_cert).toEqual({ cert: PEM_CERT, key: '' })
    for (const body of [
      res.body,
      (await get(m.id)).body,
      (await t.app.inject({ url: '/api/v1/monitors', headers: alice.auth })).body,
    ]) {
      expect(body).not.toContain('pa55-word')
      expect(body).not.toContain('secret-key-material')
      expect(body).not.toMatch(/v1:[0-9a-f]{16}:/)
    }

    const stored = await storedConfig(m.id)
    expect(stored).toMatchObject({
      auth: { password: expect.stringMatching(/^v1:/) },
      client_cert: { cert: PEM_CERT, key: expect.stringMatching(/^v1:/) },
    })
    expect(JSON.stringify(stored)).not.toContain('pa55-word')
    expect(JSON.stringify(stored)).not.toContain('secret-key-material')

    const probeView = await assigned(m.id)
    expect(probeView.auth).toEqual({ type: 'basic', username: 'ops', password: 'pa55-word' })
    expect(probeView.client_cert).toEqual({ cert: PEM_CERT, key: PEM_KEY })
  })

  it('gives the same secret a different ciphertext on every save', async () => {
    const payload = { name: 'pg', check_type: 'postgres', host: 'pg.internal', password: 'same' }
    const a = (await create(payload)).json()
    const b = (await create(payload)).json()
    const tokenA = (await storedConfig(a.id)).password
    expect(tokenA).not.toBe((await storedConfig(b.id)).password)
    await patch(a.id, { password: 'same' })
    expect((await storedConfig(a.id)).password).not.toBe(tokenA)
    expect((await assigned(a.id)).password).toBe('same')
    expect((await get(a.id)).json().password).toBe('')
  })

  it('keeps a stored secret when PATCH sends "" or omits it, and replaces or clears it on request', async () => {
    const m = (await create({ name: 'redis', check_type: 'redis', host: 'cache', password: 'first' })).json()
    const token = (await storedConfig(m.id)).password

    expect((await patch(m.id, { name: 'redis 2' })).statusCode).toBe(200)
    expect((await patch(m.id, { password: '', db: 2 })).statusCode).toBe(200)
    expect((await storedConfig(m.id)).password).toBe(token)
    expect(await assigned(m.id)).toMatchObject({ password: 'first', db: 2 })

    // The web form sends the whole monitor back, masked secrets included.
    const echoed = await patch(m.id, withoutServerFields((await get(m.id)).json()))
    expect(echoed.statusCode, echoed.body).toBe(200)
    expect((await storedConfig(m.id)).password).toBe(token)

    await patch(m.id, { password: 'second' })
    expect((await assigned(m.id)).password).toBe('second')
    await patch(m.id, { password: null })
    expect((await get(m.id)).json().password).toBeNull()
    expect((await assigned(m.id)).password).toBeNull()
  })

  it('keeps nested secrets through a masked round trip, and drops them with auth: null', async () => {
    const m = (await create({ ...HTTP_WITH_SECRETS, name: 'nested' })).json()
    const masked = (await get(m.id)).json()
    const res = await patch(m.id, { auth: masked.auth, client_cert: masked.client_cert, keyword: 'ok' })
    expect(res.statusCode, res.body).toBe(200)
    expect(await assigned(m.id)).toMatchObject({
      auth: { password: 'pa55-word' },
      client_cert: { key: PEM_KEY },
      keyword: 'ok',
    })
    // Switching basic → bearer: there is no stored token to keep.
    await patch(m.id, { auth: { type: 'bearer', token: 'tok-123' } })
    expect((await assigned(m.id)).auth).toEqual({ type: 'bearer', token: 'tok-123' })
    await patch(m.id, { auth: null })
    expect((await assigned(m.id)).auth).toBeNull()
    expect(JSON.stringify(await storedConfig(m.id))).not.toContain('pa55-word')
  })

  it('drops old secrets when the kind changes', async () => {
    const m = (await create({ name: 'db', check_type: 'postgres', host: 'pg', password: 'pg-pass' })).json()
    const res = await patch(m.id, { check_type: 'mysql', host: 'pg', password: '' })
    expect(res.statusCode, res.body).toBe(200)
    expect(await assigned(m.id)).toMatchObject({ check_type: 'mysql', password: '' })
    expect(JSON.stringify(await storedConfig(m.id))).not.toMatch(/v1:/)
  })

  it('never sends a kept secret to a new host: moving the target asks for it again', async () => {
    const m = (await create({ ...HTTP_WITH_SECRETS, name: 'moving', client_cert: null })).json()
    const samePlace = await patch(m.id, { url: 'https://api.example.com/healthz' })
    expect(samePlace.statusCode, samePlace.body).toBe(200)

    const moved = await patch(m.id, { url: 'https://attacker.example/collect' })
    expect(moved.statusCode).toBe(400)
    expect(moved.json().details.issues).toEqual([
      { path: 'body.auth.password', message: expect.stringMatching(/again/) },
    ])
    expect((await get(m.id)).json().url).toBe('https://api.example.com/healthz')

    const retyped = await patch(m.id, {
      url: 'https://new-home.example/health',
      auth: { type: 'basic', username: 'ops', password: 'pa55-word' },
    })
    expect(retyped.statusCode, retyped.body).toBe(200)
    expect((await assigned(m.id)).auth).toMatchObject({ password: 'pa55-word' })
  })

  it('fails closed on a tampered or moved ciphertext, and a new value repairs it', async () => {
    const a = (await create({ name: 'victim', check_type: 'mysql', host: 'db', password: 'victim-pass' })).json()
    const b = (await create({ name: 'thief', check_type: 'mysql', host: 'evil', password: 'x' })).json()
    const config = await storedConfig(a.id)
    const token = config.password as string

    // A token copied into another monitor does not decrypt there.
    await t.deps.repos.monitors.update(b.id, {
      config: JSON.stringify({ ...(await storedConfig(b.id)), password: token }),
    })
    const bRow = await row(b.id)
    expect(() => toConfig(bRow, { reveal: true })).toThrow(/failed authentication/)

    const last = token.at(-2) === 'A' ? 'B' : 'A'
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`
    await t.deps.repos.monitors.update(a.id, { config: JSON.stringify({ ...config, password: tampered }) })
    expect(() => toConfig(bRow, { reveal: true })).toThrow(SecretDecryptError)
    const aRow = await row(a.id)
    expect(() => toConfig(aRow, { reveal: true })).toThrow(SecretDecryptError)
    expect(toConfig(aRow)).toMatchObject({ password: '' })

    // The probe keeps its other assignments: only the undecryptable monitors are left out.
    const hb = await heartbeat()
    expect(hb.statusCode).toBe(200)
    const ids = (hb.json().monitors as { id: string }[]).map((m) => m.id)
    expect(ids).not.toContain(a.id)
    expect(ids).not.toContain(b.id)
    expect(hb.body).not.toContain('victim-pass')
    // The API never decrypts, so the owner can still read and repair the monitor.
    expect((await get(a.id)).json().password).toBe('')
    await patch(a.id, { password: 'victim-pass-2' })
    await patch(b.id, { password: 'x2' })
    expect((await assigned(a.id)).password).toBe('victim-pass-2')
  })
})
