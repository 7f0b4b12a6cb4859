import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api/client'
import { useAuthStore } from './auth'

const user = {
  id: 'u1',
  email: 'ada@example.com',
  username: 'ada',
  full_name: 'Ada Lovelace',
  is_superadmin: true,
  is_active: true,
  can_create_monitors: true,
  timezone: null,
  language: 'fr',
  created_at: '2026-01-01T00:00:00.000Z',
}
const pair = (n: number) => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: 'bearer',
  expires_in: 900,
})
const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
const error = (status: number, code: string, message: string) => json(status, { code, message, requestId: 'req' })

type Route = (body: unknown, auth: string | null) => Response
let routes: Record<string, Route>
let calls: { key: string; body: unknown; auth: string | null }[]

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  routes = {}
  calls = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const key = `${init.method} ${url}`
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined
      const auth = new Headers(init.headers).get('Authorization')
      calls.push({ key, body, auth })
      const route = routes[key]
      return route ? route(body, auth) : error(404, 'ROUTE_NOT_FOUND', key)
    }),
  )
})
afterEach(() => vi.unstubAllGlobals())

const signIn = (n = 1) => {
  localStorage.setItem('whatisup.access_token', `access-${n}`)
  localStorage.setItem('whatisup.refresh_token', `refresh-${n}`)
}

describe('auth store', () => {
  it('logs in, keeps the token pair and loads the user with it', async () => {
    routes['POST /api/v1/auth/login'] = () => json(200, pair(1))
    routes['GET /api/v1/auth/me'] = (_b, auth) =>
      auth === 'Bearer access-1' ? json(200, user) : error(401, 'UNAUTHENTICATED', 'no')
    const auth = useAuthStore()
    expect(auth.isAuthenticated).toBe(false)

    await auth.login('  ada ', 'secret')

    expect(calls[0]).toMatchObject({
      key: 'POST /api/v1/auth/login',
      body: { username: 'ada', password: 'secret' },
      auth: null,
    })
    expect(auth.isAuthenticated).toBe(true)
    expect(auth.user).toEqual(user)
    expect(auth.displayName).toBe('Ada Lovelace')
    expect(localStorage.getItem('whatisup.refresh_token')).toBe('refresh-1')
  })

  it("rejects with the server's error on bad credentials and stays signed out", async () => {
    routes['POST /api/v1/auth/login'] = () => error(401, 'INVALID_CREDENTIALS', 'Invalid username or password')
    const auth = useAuthStore()

    const err = await auth.login('ada', 'wrong').catch((e: unknown) => e)

    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'Invalid username or password' })
    expect(auth.isAuthenticated).toBe(false)
    expect(localStorage.getItem('whatisup.access_token')).toBeNull()
    expect(calls).toHaveLength(1)
  })

  it('restores a session from storage and loads the user only once', async () => {
    signIn()
    routes['GET /api/v1/auth/me'] = () => json(200, user)
    const auth = useAuthStore()
    expect(auth.isAuthenticated).toBe(true)

    await auth.ensureUser()
    await auth.ensureUser()

    expect(auth.user?.username).toBe('ada')
    expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/auth/me'])
  })

  it('keeps the rotated refresh token after a silent refresh', async () => {
    signIn(1)
    routes['GET /api/v1/auth/me'] = (_b, auth) =>
      auth === 'Bearer access-2' ? json(200, user) : error(401, 'TOKEN_EXPIRED', 'Access token expired')
    routes['POST /api/v1/auth/refresh'] = (body) =>
      (body as { refresh_token: string }).refresh_token === 'refresh-1'
        ? json(200, pair(2))
        : error(401, 'TOKEN_INVALID', 'x')
    const auth = useAuthStore()

    await auth.loadUser()

    expect(auth.user?.id).toBe('u1')
    expect(auth.isAuthenticated).toBe(true)
    expect(localStorage.getItem('whatisup.refresh_token')).toBe('refresh-2')
  })

  it('signs out when the session cannot be renewed', async () => {
    signIn(1)
    routes['GET /api/v1/auth/me'] = () => error(401, 'TOKEN_EXPIRED', 'Access token expired')
    routes['POST /api/v1/auth/refresh'] = () => error(401, 'TOKEN_REUSED', 'Refresh token reuse detected')
    const auth = useAuthStore()

    await expect(auth.loadUser()).rejects.toMatchObject({ status: 401 })

    expect(auth.isAuthenticated).toBe(false)
    expect(auth.user).toBeNull()
    expect(localStorage.getItem('whatisup.refresh_token')).toBeNull()
  })

  it('logs out: revokes the refresh token and forgets the session, even if the server is down', async () => {
    signIn(3)
    routes['GET /api/v1/auth/me'] = () => json(200, user)
    routes['POST /api/v1/auth/logout'] = () => error(503, 'SERVICE_UNAVAILABLE', 'down')
    const auth = useAuthStore()
    await auth.ensureUser()

    await auth.logout()

    expect(calls.at(-1)).toEqual({ key: 'POST /api/v1/auth/logout', body: { refresh_token: 'refresh-3' }, auth: null })
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.user).toBeNull()
    expect(localStorage.getItem('whatisup.access_token')).toBeNull()
    expect(localStorage.getItem('whatisup.refresh_token')).toBeNull()
  })
})
