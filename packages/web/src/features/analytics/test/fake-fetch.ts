import { vi } from 'vitest'

/** Stubs `fetch` with `METHOD /path` handlers and records `METHOD /path?query` of every call. */
export function fakeFetch(routes: Record<string, (body: unknown, url: URL) => unknown>): string[] {
  const calls: string[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init: RequestInit = {}) => {
      const url = new URL(input, 'http://localhost')
      const method = init.method ?? 'GET'
      calls.push(`${method} ${url.pathname}${url.search}`)
      const route = routes[`${method} ${url.pathname}`]
      if (!route) return json(404, { code: 'NOT_FOUND', message: 'not found', requestId: 'r' })
      const answer = route(typeof init.body === 'string' ? JSON.parse(init.body) : undefined, url)
      if (answer instanceof Response) return answer
      return answer === undefined ? new Response(null, { status: 204 }) : json(200, answer)
    }),
  )
  return calls
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
