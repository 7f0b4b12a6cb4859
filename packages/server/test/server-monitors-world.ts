import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import type { DomainEvents } from '../src/core/events.js'
import { serverMonitorsIdle, startServerMonitors } from '../src/modules/server-monitors/index.js'
import { createTestContext, type TestContext, type TestUser } from './helpers.js'

/**
 * A server whose server-side monitors (manual, composite…) run, two users (alice, bob), every
 * IncidentOpened recorded, and requests that return once those monitors have settled. Call
 * `useServerMonitorsWorld()` at the top of a test file; `t`, `alice` and `bob` are set before its tests.
 */
export let t: TestContext
export let alice: TestUser
export let bob: TestUser
export const opened: DomainEvents['IncidentOpened'][] = []

export function useServerMonitorsWorld(): void {
  let stop = () => {}
  beforeAll(async () => {
    t = await createTestContext({ ACCESS_TOKEN_EXPIRE_MINUTES: '1440' })
    alice = await t.createUser({ username: 'alice' })
    bob = await t.createUser({ username: 'bob' })
    t.deps.events.on('IncidentOpened', (e) => void opened.push(e))
    stop = startServerMonitors(t.deps)
  })
  afterAll(async () => {
    stop()
    await t.close()
  })
  // Outages of different tests must not join one incident group (2-minute window).
  beforeEach(() => t.clock.advance(3 * 60_000))
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export async function req(method: Method, url: string, payload?: object, user: TestUser = alice) {
  const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: user.auth, ...(payload ? { payload } : {}) })
  await serverMonitorsIdle(t.deps)
  return res
}
export async function ok<T = { id: string; name: string }>(
  method: Method,
  url: string,
  payload?: object,
  user: TestUser = alice,
) {
  const res = await req(method, url, payload, user)
  expect(res.statusCode, res.body).toBeLessThan(300)
  return res.json() as T
}
export const manual = (name: string, extra: object = {}, user: TestUser = alice) =>
  ok('POST', '/monitors', { name, check_type: 'manual', ...extra }, user)
export const set = (id: string, status: 'up' | 'degraded' | 'down', user: TestUser = alice) =>
  ok('POST', `/monitors/${id}/manual-state`, { status }, user)

/** A one-off maintenance window on `target` (monitor, group or tags), active for the next hour. */
export function maintenanceWindow(target: object, user: TestUser = alice) {
  const start = new Date(t.clock.now() - 60_000).toISOString()
  const end = new Date(t.clock.now() + 60 * 60_000).toISOString()
  return req(
    'POST',
    '/maintenance',
    { name: 'upgrade', ...target, schedule: { kind: 'once', starts_at: start, ends_at: end } },
    user,
  )
}
