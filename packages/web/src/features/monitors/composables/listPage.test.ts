import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeApi, json } from '../../incidents/test/fake-api'
import { firstPage, prefetchMonitorPage } from './listPage'
import { STORAGE_KEY } from './listState'

const page = (ids: string[]) => () =>
  json(
    200,
    ids.map((id) => ({ id })),
  )

describe('monitors list prefetch', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('hands the prefetched page to the first load of the same parameters, asking once', async () => {
    const calls = fakeApi({ 'GET /api/v1/monitors': page(['a', 'b']) })
    prefetchMonitorPage({ status: 'down' })
    const got = await firstPage({ limit: 50, offset: 0, status: 'down' })
    expect(got.items.map((m) => m.id)).toEqual(['a', 'b'])
    expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/monitors?limit=50&offset=0&status=down'])
  })

  it('follows the filters saved on this device when the URL has none', async () => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ kind: 'tcp', size: '100' }))
    const calls = fakeApi({ 'GET /api/v1/monitors': page(['a']) })
    prefetchMonitorPage({})
    await firstPage({ limit: 100, offset: 0, kind: 'tcp' })
    expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/monitors?limit=100&offset=0&kind=tcp'])
  })

  it('asks again for other parameters, for a stale prefetch, and never reuses one twice', async () => {
    const calls = fakeApi({ 'GET /api/v1/monitors': page(['a']) })
    prefetchMonitorPage({})
    await firstPage({ limit: 50, offset: 0, q: 'shop' })
    expect(calls).toHaveLength(2)

    await firstPage({ limit: 50, offset: 0 })
    expect(calls).toHaveLength(3) // the prefetch was consumed (and dropped) by the mismatch above

    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] })
    prefetchMonitorPage({})
    vi.setSystemTime(Date.now() + 6_000)
    await firstPage({ limit: 50, offset: 0 })
    expect(calls.map((c) => c.key)).toEqual([
      'GET /api/v1/monitors?limit=50&offset=0',
      'GET /api/v1/monitors?limit=50&offset=0&q=shop',
      'GET /api/v1/monitors?limit=50&offset=0',
      'GET /api/v1/monitors?limit=50&offset=0',
      'GET /api/v1/monitors?limit=50&offset=0',
    ])
  })
})
