import type { IncidentDetailDto, IncidentSummaryDto } from '@whatisup/shared'
import { vi } from 'vitest'

export interface Call {
  key: string
  body: unknown
}

/**
 * Stubs `fetch` with a table of `METHOD /path` handlers (query string ignored for matching, kept
 * in the recorded key) and records every call, so a test asserts on what the page really sent.
 */
export function fakeApi(routes: Record<string, (body: unknown, url: URL) => unknown>) {
  const calls: Call[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init: RequestInit) => {
      const url = new URL(input, 'http://localhost')
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined
      calls.push({ key: `${init.method} ${url.pathname}${url.search}`, body })
      const route = routes[`${init.method} ${url.pathname}`]
      if (!route) return json(404, { code: 'ROUTE_NOT_FOUND', message: url.pathname, requestId: 'r' })
      const answer = route(body, url)
      return answer instanceof Response
        ? answer
        : answer === undefined
          ? new Response(null, { status: 204 })
          : json(200, answer)
    }),
  )
  return calls
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

export function summary(overrides: Partial<IncidentSummaryDto> = {}): IncidentSummaryDto {
  return {
    id: 'inc-1',
    monitor_id: 'mon-1',
    monitor_name: 'Shop',
    status: 'open',
    scope: 'global',
    cause: 'HTTP 503',
    affected_probe_ids: ['p1', 'p2', 'p3'],
    suppressed: null,
    paged: true,
    group_id: null,
    first_failure_at: '2026-03-01T09:59:30.000Z',
    started_at: '2026-03-01T10:00:00.000Z',
    resolved_at: null,
    duration_seconds: null,
    mttd_seconds: 30,
    mttr_seconds: null,
    acked_at: null,
    acked_by: null,
    snooze_until: null,
    ...overrides,
  }
}

export function detail(overrides: Partial<IncidentDetailDto> = {}): IncidentDetailDto {
  return {
    ...summary(),
    timeline: [
      {
        at: '2026-03-01T10:00:00.000Z',
        kind: 'opened',
        data: { scope: 'regional', affected: ['p1', 'p2'], suppressed: null },
      },
      {
        at: '2026-03-01T10:01:00.000Z',
        kind: 'escalated',
        data: { from: 'regional', to: 'global', affected: ['p1', 'p2', 'p3'] },
      },
    ],
    updates: [],
    postmortem: null,
    ...overrides,
  }
}
