import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from './helpers.js'

let t: TestContext
beforeAll(async () => {
  t = await createTestContext()
})
afterAll(() => t.close())

const login = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: payload as string, headers })

describe('auth', () => {
  it('logs in with JSON or form-urlencoded, by username or e-mail', async () => {
    const u = await t.createUser({ username: 'alice', password: 'correct horse' })
    const json = await login({ username: 'alice', password: 'correct horse' })
    expect(json.statusCode).toBe(200)
    expect(json.json()).toMatchObject({ token_type: 'bearer', expires_in: 900 })
    const form = await login('username=alice%40example.test&password=correct+horse', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(form.statusCode).toBe(200)
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: u.auth })
    expect(me.json()).toMatchObject({ username: 'alice', email: 'alice@example.test', is_superadmin: false })
  })

  it('answers the same 401 for an unknown user and a wrong password', async () => {
    await t.createUser({ username: 'bob', password: 'right' })
    const wrong = await login({ username: 'bob', password: 'nope' })
    const unknown = await login({ username: 'nobody', password: 'nope' })
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS')
    expect(unknown.json().message).toBe(wrong.json().message)
  })

  it('requires a bearer token and rejects garbage', async () => {
    const none = await t.app.inject({ url: '/api/v1/auth/me' })
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(none.json().requestId).toBeTruthy()
    const bad = await t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: 'Bearer abc.def.ghi' } })
    expect(bad.json().code).toBe('TOKEN_INVALID')
  })

  it('expires access tokens after 15 minutes', async () => {
    const u = await t.createUser()
    t.clock.advance(14 * 60_000)
    expect((await t.app.inject({ url: '/api/v1/auth/me', headers: u.auth })).statusCode).toBe(200)
    t.clock.advance(2 * 60_000)
    const res = await t.app.inject({ url: '/api/v1/auth/me', headers: u.auth })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('TOKEN_EXPIRED')
  })

  it('rotates refresh tokens and revokes the family when a rotated one is reused', async () => {
    const u = await t.createUser()
    const first = (await login({ username: u.username, password: u.password })).json()
    const r1 = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: first.refresh_token },
    })
    expect(r1.statusCode).toBe(200)
    const second = r1.json()
    expect(second.refresh_token).not.toBe(first.refresh_token)
    // Reuse of the rotated token: rejected, and the newer token dies with its family.
    const reuse = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: first.refresh_token },
    })
    expect(reuse.statusCode).toBe(401)
    expect(reuse.json().code).toBe('TOKEN_REUSED')
    const after = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: second.refresh_token },
    })
    expect(after.statusCode).toBe(401)
    expect(after.json().code).toBe('TOKEN_INVALID')
  })

  it('expires refresh tokens after 7 days and revokes on logout', async () => {
    const u = await t.createUser()
    const a = (await login({ username: u.username, password: u.password })).json()
    t.clock.advance(7 * 86_400_000 + 1000)
    const expired = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: a.refresh_token },
    })
    expect(expired.json().code).toBe('TOKEN_EXPIRED')
    const b = (await login({ username: u.username, password: u.password })).json()
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      payload: { refresh_token: b.refresh_token },
    })
    expect(out.statusCode).toBe(204)
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: b.refresh_token },
    })
    expect(again.statusCode).toBe(401)
  })

  it('lets a user change only non-privileged fields of their profile', async () => {
    const u = await t.createUser()
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: u.auth,
      payload: { full_name: 'Ada', timezone: 'Europe/Paris', language: 'fr' },
    })
    expect(ok.json()).toMatchObject({ full_name: 'Ada', timezone: 'Europe/Paris', language: 'fr' })
    const priv = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: u.auth,
      payload: { is_superadmin: true },
    })
    expect(priv.statusCode).toBe(400)
    expect(priv.json().details.issues[0].path).toBe('body.is_superadmin')
    const tz = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: u.auth,
      payload: { timezone: 'Mars/Olympus' },
    })
    expect(tz.statusCode).toBe(400)
    const me = (await t.app.inject({ url: '/api/v1/auth/me', headers: u.auth })).json()
    expect(me).toMatchObject({ is_superadmin: false, timezone: 'Europe/Paris' })
  })

  it('keeps registration closed', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: {} })
    expect(res.statusCode).toBe(403)
  })
})

describe('login rate limit', () => {
  it('limits attempts per account and per IP with 429 and Retry-After', async () => {
    const ctx = await createTestContext({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' })
    try {
      const u = await ctx.createUser({ password: 'pw' })
      const attempt = (username: string, ip: string) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username, password: 'bad' },
          remoteAddress: ip,
        })
      // createUser logged in once from 127.0.0.1; two more from other IPs exhaust the account.
      expect((await attempt(u.username, '10.0.0.1')).statusCode).toBe(401)
      expect((await attempt(u.username, '10.0.0.2')).statusCode).toBe(401)
      const limited = await attempt(u.username, '10.0.0.3')
      expect(limited.statusCode).toBe(429)
      expect(limited.json().code).toBe('RATE_LIMITED')
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      // Per IP: one address hammering different accounts.
      for (const name of ['x1', 'x2', 'x3']) expect((await attempt(name, '10.9.9.9')).statusCode).toBe(401)
      expect((await attempt('x4', '10.9.9.9')).statusCode).toBe(429)
      // The window passes.
      ctx.clock.advance(61_000)
      const ok = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u.username, password: 'pw' },
      })
      expect(ok.statusCode).toBe(200)
    } finally {
      await ctx.close()
    }
  })
})
