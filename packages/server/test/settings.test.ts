import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type TestUser } from './helpers.js'

/** A stand-in for Nominatim on 127.0.0.1 that records every request and answers with `handler`. */
async function receiver(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = []
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    handler(req, res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    seen,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((r) => server.close(() => r()))
    },
  }
}

const NOMINATIM_PARIS = [
  { place_id: 1, lat: '48.8588897', lon: '2.3200410', display_name: 'Paris, Île-de-France, France', type: 'city' },
  { place_id: 2, lat: '33.6617962', lon: '-95.5555130', display_name: 'Paris, Lamar County, Texas, United States' },
  { place_id: 3, lat: 'n/a', lon: '1', display_name: 'broken entry' },
  { place_id: 4, lat: '91', lon: '1', display_name: 'off the globe' },
]

describe('instance settings', () => {
  let t: TestContext
  let root: TestUser
  let alice: TestUser
  beforeAll(async () => {
    t = await createTestContext()
    root = await t.createUser({ username: 'root', superadmin: true })
    alice = await t.createUser({ username: 'alice' })
  })
  afterAll(() => t.close())

  const get = (user?: TestUser) =>
    t.app.inject({ method: 'GET', url: '/api/v1/settings/instance', headers: user?.auth ?? {} })
  const patch = (user: TestUser, payload: object) =>
    t.app.inject({ method: 'PATCH', url: '/api/v1/settings/instance', headers: user.auth, payload })

  it('starts empty, and geocoding is off without GEOCODER_URL', async () => {
    const res = await get(root)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ map_tile_url: '', map_attribution: '', geocoder_enabled: false })
  })

  it('is superadmin-only: others get 403 and change nothing, anonymous callers 401', async () => {
    expect((await get()).json().code).toBe('UNAUTHENTICATED')
    const read = await get(alice)
    expect(read.statusCode).toBe(403)
    expect(read.json().code).toBe('FORBIDDEN')
    const write = await patch(alice, { map_tile_url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' })
    expect(write.statusCode).toBe(403)
    expect((await get(root)).json().map_tile_url).toBe('')
  })

  it('stores a tile URL and attribution, and the CSP then allows that tile host', async () => {
    const before = await get(root)
    expect(before.headers['content-security-policy']).toContain("img-src 'self' data: 'self'")
    const res = await patch(root, {
      map_tile_url: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      map_attribution: ' © OpenStreetMap contributors ',
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      map_tile_url: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      map_attribution: '© OpenStreetMap contributors',
      geocoder_enabled: false,
    })
    const after = await get(root)
    expect(after.json().map_tile_url).toBe('https://{s}.tile.example.org/{z}/{x}/{y}.png')
    expect(after.headers['content-security-policy']).toContain("img-src 'self' data: https://*.tile.example.org")
    // Only the given field changes.
    expect((await patch(root, { map_attribution: 'Tiles: ACME' })).json().map_tile_url).toBe(
      'https://{s}.tile.example.org/{z}/{x}/{y}.png',
    )
  })

  it.each([
    ['no placeholders', { map_tile_url: 'https://tile.example.org/tile.png' }],
    ['another scheme', { map_tile_url: 'javascript:alert(1)//{z}/{x}/{y}' }],
    ['credentials', { map_tile_url: 'https://user:pw@tile.example.org/{z}/{x}/{y}.png' }],
    ['a placeholder in the host', { map_tile_url: 'https://tile.{z}.example.org/{z}/{x}/{y}.png' }],
    ['a quote that would break the CSP', { map_tile_url: "https://tile.example.org'/{z}/{x}/{y}.png" }],
    ['too long an attribution', { map_attribution: 'x'.repeat(301) }],
    ['an unknown key', { theme: 'dark' }],
  ])('refuses %s with 400 VALIDATION_FAILED and keeps the stored values', async (_what, payload) => {
    const res = await patch(root, payload)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
    expect((await get(root)).json()).toMatchObject({
      map_tile_url: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      map_attribution: 'Tiles: ACME',
    })
  })

  it('picks up a tile URL another replica stored within a minute', async () => {
    await t.deps.repos.settings.set('instance.map_tile_url', 'https://tiles.other.example/{z}/{x}/{y}.png')
    expect((await get(root)).headers['content-security-policy']).not.toContain('tiles.other.example')
    t.clock.advance(61_000)
    expect((await get(root)).headers['content-security-policy']).toContain(
      "img-src 'self' data: https://tiles.other.example",
    )
  })

  it('an empty tile URL turns the map off and drops the host from the CSP', async () => {
    const res = await patch(root, { map_tile_url: '' })
    expect(res.json().map_tile_url).toBe('')
    expect((await get(root)).headers['content-security-policy']).not.toContain('tile.example.org')
  })
})

describe('geocoding', () => {
  let t: TestContext
  let root: TestUser
  let alice: TestUser
  let upstream: Awaited<ReturnType<typeof receiver>>
  let respond: (req: IncomingMessage, res: ServerResponse) => void
  beforeAll(async () => {
    upstream = await receiver((req, res) => respond(req, res))
    t = await createTestContext({
      GEOCODER_URL: `${upstream.base}/nominatim/`,
      GEOCODER_TIMEOUT_MS: '300',
      GEOCODER_RATE_LIMIT_PER_MINUTE: '8',
    })
    root = await t.createUser({ username: 'root', superadmin: true })
    alice = await t.createUser({ username: 'alice' })
  })
  afterAll(async () => {
    await t.close()
    await upstream.close()
  })

  const find = (q: string, user: TestUser = root) =>
    t.app.inject({ method: 'GET', url: `/api/v1/geocode?q=${encodeURIComponent(q)}`, headers: user.auth })
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    respond = (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    }
  }

  it('calls <GEOCODER_URL>/search with the query, jsonv2, a limit and our User-Agent; returns numeric places', async () => {
    answer(200, NOMINATIM_PARIS)
    const res = await find('Paris & co/../admin?x=1')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual([
      { display_name: 'Paris, Île-de-France, France', lat: 48.8588897, lon: 2.320041 },
      { display_name: 'Paris, Lamar County, Texas, United States', lat: 33.6617962, lon: -95.555513 },
    ])
    expect(upstream.seen).toHaveLength(1)
    const req = upstream.seen[0]!
    expect(req.method).toBe('GET')
    const url = new URL(req.url, upstream.base)
    expect(url.pathname).toBe('/nominatim/search')
    expect([...url.searchParams]).toEqual([
      ['q', 'Paris & co/../admin?x=1'],
      ['format', 'jsonv2'],
      ['limit', '5'],
    ])
    expect(req.headers['user-agent']).toBe(`WhatIsUp/${t.deps.version} (probe geocoding)`)
    expect(req.headers.accept).toBe('application/json')
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/settings/instance', headers: root.auth })).json(),
    ).toMatchObject({
      geocoder_enabled: true,
    })
  })

  it('is superadmin-only and never reaches the geocoder for others', async () => {
    const before = upstream.seen.length
    const res = await find('Paris', alice)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('FORBIDDEN')
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/geocode?q=Paris' })
    expect(anon.statusCode).toBe(401)
    expect(upstream.seen.length).toBe(before)
  })

  it('refuses a blank or one-letter query with 400 before calling out', async () => {
    const before = upstream.seen.length
    for (const q of ['', ' a ']) {
      const res = await find(q)
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('VALIDATION_FAILED')
    }
    expect(upstream.seen.length).toBe(before)
  })

  it('gives up after GEOCODER_TIMEOUT_MS with 503 SERVICE_UNAVAILABLE', async () => {
    respond = () => {} // never answers
    const started = performance.now()
    const res = await find('Slowtown')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { reason: 'timeout' } })
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it.each([
    ['an error status', () => answer(500, { error: 'boom' }), 'upstream_status'],
    ['a body that is not JSON', () => answer(200, '<html>busy</html>'), 'bad_response'],
    ['JSON that is not a list', () => answer(200, { error: 'Unable to geocode' }), 'bad_response'],
  ])('answers 503 when the geocoder sends %s', async (_what, setup, reason) => {
    setup()
    const res = await find('Lyon')
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { reason } })
  })

  it('does not follow a redirect away from the configured geocoder', async () => {
    const elsewhere = await receiver((_req, res) => res.end('[]'))
    try {
      answer(302, '', { location: `${elsewhere.base}/search?q=Lyon` })
      const res = await find('Lyon')
      expect(res.statusCode).toBe(503)
      expect(res.json().details).toEqual({ reason: 'upstream_status' })
      expect(elsewhere.seen).toEqual([])
    } finally {
      await elsewhere.close()
    }
  })

  it('is rate-limited for the whole instance, with Retry-After, until the window passes', async () => {
    t.clock.advance(60_000)
    answer(200, [])
    for (let i = 0; i < 8; i++) expect((await find(`Town ${i}`)).statusCode).toBe(200)
    const before = upstream.seen.length
    const limited = await find('Town 9')
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBe('RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(upstream.seen.length).toBe(before)
    t.clock.advance(60_000)
    expect((await find('Town 10')).statusCode).toBe(200)
  })
})

describe('geocoding without GEOCODER_URL', () => {
  it('answers 404 NOT_FOUND', async () => {
    const t = await createTestContext()
    try {
      const root = await t.createUser({ username: 'root', superadmin: true })
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/geocode?q=Paris', headers: root.auth })
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('NOT_FOUND')
    } finally {
      await t.close()
    }
  })
})
