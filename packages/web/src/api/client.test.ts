import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, createApiClient, type TokenPair, type TokenStorage } from './client'

function memoryTokens(initial: TokenPair | null): TokenStorage & { current: TokenPair | null } {
  const store = {
    current: initial,
    access: () => store.current?.access_token ?? null,
    refresh: () => store.current?.refresh_token ?? null,
    save: (pair: TokenPair) => {
      store.current = { access_token: pair.access_token, refresh_token: pair.refresh_token }
    },
    clear: () => {
      store.current = null
    },
  }
  return store
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })

const expired = () => json(401, { code: 'TOKEN_EXPIRED', message: 'Access token expired', requestId: 'r1' })
const pair = (n: number) => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  token_type: 'bearer',
  expires_in: 900,
})

interface Call {
  url: string
  method: string
  auth: string | null
  body: unknown
}

/** Stubs global fetch with a router; records every call. */
function stubFetch(handler: (call: Call, index: number) => Response | Promise<Response>): Call[] {
  const calls: Call[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers)
      const call: Call = {
        url,
        method: init.method ?? 'GET',
        auth: headers.get('Authorization'),
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      }
      calls.push(call)
      return handler(call, calls.length - 1)
    }),
  )
  return calls
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('api client', () => {
  it('sends the bearer token and parses JSON under /api/v1', async () => {
    const calls = stubFetch(() => json(200, [{ id: 'm1' }], { 'X-Total-Count': '1' }))
    const api = createApiClient({ tokens: memoryTokens(pair(1)) })

    const res = await api.request<{ id: string }[]>('GET', '/monitors', {
      query: { q: 'shop', limit: 10, offset: undefined },
    })

    expect(res.data).toEqual([{ id: 'm1' }])
    expect(res.headers.get('X-Total-Count')).toBe('1')
    expect(calls).toEqual([
      { url: '/api/v1/monitors?q=shop&limit=10', method: 'GET', auth: 'Bearer access-1', body: undefined },
    ])
  })

  it('on TOKEN_EXPIRED refreshes once with the stored refresh token, stores the rotated pair and retries', async () => {
    const tokens = memoryTokens(pair(1))
    const calls = stubFetch((call) => {
      if (call.url === '/api/v1/auth/refresh') return json(200, pair(2))
      return call.auth === 'Bearer access-2' ? json(200, { id: 'm1' }) : expired()
    })
    const api = createApiClient({ tokens })

    await expect(api.get('/monitors/m1')).resolves.toEqual({ id: 'm1' })

    expect(calls.map((c) => [c.method, c.url, c.auth])).toEqual([
      ['GET', '/api/v1/monitors/m1', 'Bearer access-1'],
      ['POST', '/api/v1/auth/refresh', null],
      ['GET', '/api/v1/monitors/m1', 'Bearer access-2'],
    ])
    expect(calls[1]?.body).toEqual({ refresh_token: 'refresh-1' })
    expect(tokens.current).toEqual({ access_token: 'access-2', refresh_token: 'refresh-2' })
  })

  it('shares one refresh between concurrent requests (the refresh token rotates)', async () => {
    const tokens = memoryTokens(pair(1))
    const calls = stubFetch((call) => {
      if (call.url === '/api/v1/auth/refresh') return json(200, pair(2))
      return call.auth === 'Bearer access-2' ? json(200, { url: call.url }) : expired()
    })
    const api = createApiClient({ tokens })

    const [a, b] = await Promise.all([api.get('/monitors/a'), api.get('/monitors/b')])

    expect(a).toEqual({ url: '/api/v1/monitors/a' })
    expect(b).toEqual({ url: '/api/v1/monitors/b' })
    expect(calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1)
  })

  it('when the refresh is refused, clears the session, reports it and throws the original error', async () => {
    const tokens = memoryTokens(pair(1))
    const onSessionExpired = vi.fn()
    const calls = stubFetch((call) =>
      call.url.endsWith('/auth/refresh')
        ? json(401, { code: 'TOKEN_REUSED', message: 'Refresh token reuse detected', requestId: 'r2' })
        : expired(),
    )
    const api = createApiClient({ tokens, onSessionExpired })

    const error = await api.get('/auth/me').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED', message: 'Access token expired' })
    expect(calls).toHaveLength(2)
    expect(tokens.current).toBeNull()
    expect(onSessionExpired).toHaveBeenCalledOnce()
  })

  it('does not loop when the retried request is still rejected', async () => {
    const tokens = memoryTokens(pair(1))
    const onSessionExpired = vi.fn()
    const calls = stubFetch((call) => (call.url.endsWith('/auth/refresh') ? json(200, pair(2)) : expired()))
    const api = createApiClient({ tokens, onSessionExpired })

    await expect(api.get('/monitors')).rejects.toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' })
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/monitors', '/api/v1/auth/refresh', '/api/v1/monitors'])
    expect(onSessionExpired).toHaveBeenCalledOnce()
  })

  it('does not refresh for other 401s, nor for anonymous calls such as login', async () => {
    const tokens = memoryTokens(null)
    const calls = stubFetch(() =>
      json(401, { code: 'INVALID_CREDENTIALS', message: 'Invalid username or password', requestId: 'r3' }),
    )
    const api = createApiClient({ tokens })

    await expect(api.post('/auth/login', { username: 'a', password: 'b' }, { anonymous: true })).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_CREDENTIALS',
      message: 'Invalid username or password',
      requestId: 'r3',
    })
    expect(calls).toHaveLength(1)
    expect(calls[0]?.body).toEqual({ username: 'a', password: 'b' })
  })

  it('surfaces validation details as a typed ApiError', async () => {
    const issues = [{ path: 'body.url', message: 'expected an http:// or https:// URL' }]
    stubFetch(() =>
      json(400, { code: 'VALIDATION_FAILED', message: 'Invalid request', requestId: 'r4', details: { issues } }),
    )
    const api = createApiClient({ tokens: memoryTokens(pair(1)) })

    const error = (await api.post('/monitors', { url: 'nope' }).catch((e: unknown) => e)) as ApiError

    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(400)
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.issues).toEqual(issues)
  })

  it('maps a non-JSON error page and a network failure to ApiErrors', async () => {
    stubFetch((_call, i) => {
      if (i === 0) return new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })
      throw new TypeError('Failed to fetch')
    })
    const api = createApiClient({ tokens: memoryTokens(pair(1)) })

    await expect(api.get('/monitors')).rejects.toMatchObject({ status: 502, code: 'BAD_RESPONSE' })
    await expect(api.get('/monitors')).rejects.toMatchObject({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'Failed to fetch',
    })
  })

  it('returns undefined for 204 responses', async () => {
    stubFetch(() => new Response(null, { status: 204 }))
    const api = createApiClient({ tokens: memoryTokens(pair(1)) })
    await expect(api.delete('/monitors/m1')).resolves.toBeUndefined()
  })
})
