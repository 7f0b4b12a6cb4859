import type { ErrorBody, ErrorCode, ErrorIssue } from '@whatisup/shared'

/** Server codes plus the two failures that never reach the server's error handler. */
export type ApiErrorCode = ErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE'

/** Every failed API call rejects with this; branch on `code`, show `message`. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  readonly code: ApiErrorCode
  readonly details: ErrorBody['details'] | undefined
  readonly requestId: string | undefined

  constructor(status: number, code: ApiErrorCode, message: string, details?: ErrorBody['details'], requestId?: string) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
    this.requestId = requestId
  }

  get issues(): ErrorIssue[] {
    return this.details?.issues ?? []
  }
}

/** Normalizes anything a call can reject with (ApiError, abort, bug) into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError(0, 'NETWORK_ERROR', err instanceof Error ? err.message : String(err))
}

export interface TokenPair {
  access_token: string
  refresh_token: string
}

/** Where the client keeps the session; the refresh token rotates, so it is written on every refresh. */
export interface TokenStorage {
  access(): string | null
  refresh(): string | null
  save(pair: TokenPair): void
  clear(): void
}

export interface ApiClientOptions {
  tokens: TokenStorage
  baseUrl?: string
  /** Called once the session is gone for good (refresh refused, token revoked). */
  onSessionExpired?: () => void
}

export type Query = Record<string, string | number | boolean | undefined | null>

export interface RequestOptions {
  body?: unknown
  query?: Query
  signal?: AbortSignal
  /** Skip the bearer token and the refresh dance (login, refresh, logout). */
  anonymous?: boolean
}

export interface ApiResponse<T> {
  data: T
  headers: Headers
}

export type ApiClient = ReturnType<typeof createApiClient>

export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl ?? '/api/v1'
  const { tokens } = options
  // Concurrent requests that all hit an expired token share one refresh: the refresh token
  // rotates, so a second refresh with the old one would be rejected as reuse.
  let refreshing: Promise<boolean> | null = null

  function url(path: string, query?: Query): string {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
    const qs = params.toString()
    return base + path + (qs ? `?${qs}` : '')
  }

  async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
    const access = opts.anonymous ? null : tokens.access()
    if (access) headers.Authorization = `Bearer ${access}`
    const init: RequestInit = { method, headers }
    if (opts.body !== undefined) init.body = JSON.stringify(opts.body)
    if (opts.signal) init.signal = opts.signal
    try {
      return await globalThis.fetch(url(path, opts.query), init)
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err
      throw new ApiError(0, 'NETWORK_ERROR', err instanceof Error ? err.message : String(err))
    }
  }

  async function refreshOnce(): Promise<boolean> {
    const refresh = tokens.refresh()
    if (!refresh) return false
    refreshing ??= (async () => {
      try {
        const res = await send('POST', '/auth/refresh', { body: { refresh_token: refresh }, anonymous: true })
        if (!res.ok) return false
        tokens.save((await res.json()) as TokenPair)
        return true
      } catch {
        return false
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    let res = await send(method, path, opts)
    if (res.status === 401 && !opts.anonymous) {
      const error = await toError(res)
      if (error.code === 'TOKEN_EXPIRED' && (await refreshOnce())) {
        res = await send(method, path, opts)
      } else {
        endSession()
        throw error
      }
      if (res.status === 401) endSession()
    }
    if (!res.ok) throw await toError(res)
    const data = (res.status === 204 ? undefined : await parseJson(res)) as T
    return { data, headers: res.headers }
  }

  function endSession(): void {
    tokens.clear()
    options.onSessionExpired?.()
  }

  return {
    request,
    get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts).then((r) => r.data),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('POST', path, { ...opts, body }).then((r) => r.data),
    patch: <T>(path: string, body: unknown, opts?: RequestOptions) =>
      request<T>('PATCH', path, { ...opts, body }).then((r) => r.data),
    delete: (path: string, opts?: RequestOptions) => request<void>('DELETE', path, opts).then(() => undefined),
  }
}

async function parseJson(res: Response): Promise<unknown> {
  const text = await res.text()
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError(res.status, 'BAD_RESPONSE', `Unexpected response from the server (HTTP ${res.status})`)
  }
}

async function toError(res: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> | undefined
  try {
    body = (await res.clone().json()) as Partial<ErrorBody>
  } catch {
    body = undefined
  }
  if (body && typeof body.code === 'string' && typeof body.message === 'string') {
    return new ApiError(res.status, body.code, body.message, body.details, body.requestId)
  }
  return new ApiError(res.status, 'BAD_RESPONSE', `HTTP ${res.status} ${res.statusText}`.trim())
}
