import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Clock, FakeClock } from '@whatisup/shared'
import pg from 'pg'
import { pino } from 'pino'
import { expect } from 'vitest'
import type { App } from '../src/app.js'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/config.js'
import { createDeps } from '../src/core/create-deps.js'
import type { Deps } from '../src/core/deps.js'
import type { DomainEvents } from '../src/core/events.js'
import { newId } from '../src/core/ids.js'
import { hashPassword } from '../src/modules/auth/index.js'
import type { IngestItem } from '../src/storage/repositories/results.repository.js'

/**
 * The dialect under test: SQLite by default; PostgreSQL when WIU_TEST_PG_URL points at a server
 * (`npm run test:pg`). Each test context gets its own fresh database and drops it afterwards.
 */
export const PG_ADMIN_URL = process.env.WIU_TEST_PG_URL ?? ''
export const dialectUnderTest = PG_ADMIN_URL ? 'postgres' : 'sqlite'

/** SQLite in `dir`, or a fresh PostgreSQL database (dropped by `drop`) when WIU_TEST_PG_URL is set. */
export async function freshDatabaseUrl(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!PG_ADMIN_URL) return { url: join(dir, 'test.db'), drop: async () => {} }
  const name = `wiu_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(PG_ADMIN_URL)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

export interface TestContext {
  app: App
  deps: Deps
  /** A FakeClock unless the context was created with a real clock (then do not advance it). */
  clock: FakeClock
  dataDir: string
  close(): Promise<void>
  createUser(opts?: {
    username?: string
    password?: string
    superadmin?: boolean
    canCreate?: boolean
  }): Promise<TestUser>
}

export interface TestUser {
  id: string
  username: string
  password: string
  token: string
  auth: { authorization: string }
}

export async function createTestContext(
  env: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wiu-test-'))
  const config = loadConfig({
    ENVIRONMENT: 'test',
    SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    EMBEDDED_PROBE: 'false',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    WEB_DIST_DIR: join(dataDir, 'no-web'),
    ...env,
  })
  const db = await freshDatabaseUrl(dataDir)
  const clock = (opts.clock ?? new FakeClock(Date.UTC(2026, 0, 1))) as FakeClock
  const deps = await createDeps(config, { clock, log: pino({ level: 'silent' }), databaseUrl: db.url })
  const app = await buildApp(deps)
  await app.ready()
  let n = 0
  return {
    app,
    deps,
    clock,
    dataDir,
    async close() {
      await app.close()
      await deps.database.close()
      await db.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
    async createUser(opts = {}) {
      n++
      const username = opts.username ?? `user${n}`
      const password = opts.password ?? `pw-${randomBytes(6).toString('hex')}`
      const now = clock.now()
      const id = newId(now)
      await deps.repos.users.insert({
        id,
        email: `${username}@example.test`,
        username,
        full_name: null,
        password_hash: await hashPassword(password),
        is_superadmin: opts.superadmin ? 1 : 0,
        is_active: 1,
        can_create_monitors: opts.canCreate === false ? 0 : 1,
        timezone: null,
        language: null,
        created_at: now,
        updated_at: now,
      })
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } })
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
      const token = (res.json() as { access_token: string }).access_token
      return { id, username, password, token, auth: { authorization: `Bearer ${token}` } }
    },
  }
}

export const HTTP_MONITOR = { name: 'Example', url: 'http://127.0.0.1:9/health', interval_seconds: 30 }

/** Registers a probe as `admin` and returns its id and key. */
export async function registerProbe(
  t: TestContext,
  admin: TestUser,
  name: string,
  extra: { network_type?: 'internal' | 'external'; location_name?: string } = {},
): Promise<{ id: string; api_key: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/register',
    headers: admin.auth,
    payload: { name, ...extra },
  })
  if (res.statusCode !== 201) throw new Error(`probe registration failed: ${res.body}`)
  return res.json()
}

export interface FleetProbe {
  id: string
  net: 'internal' | 'external'
}

/**
 * What the storage tests ingest into, inserted directly: two external probes and one internal,
 * and `monitorCount` HTTP monitors of `ownerId` at a 60 s interval.
 */
export async function seedFleet(
  t: TestContext,
  ownerId: string,
  monitorCount = 3,
): Promise<{ probes: FleetProbe[]; monitors: string[] }> {
  const now = t.clock.now()
  const probes: FleetProbe[] = []
  for (const [i, net] of (['external', 'external', 'internal'] as const).entries()) {
    const id = newId()
    probes.push({ id, net })
    await t.deps.repos.probes.insert({
      id,
      name: `p${i}`,
      location_name: '',
      latitude: null,
      longitude: null,
      network_type: net,
      key_hash: `h${i}`,
      key_prefix: 'wiu_',
      is_active: 1,
      is_embedded: 0,
      last_seen_at: null,
      health: null,
      created_at: now,
      updated_at: now,
    } as never)
  }
  const monitors: string[] = []
  for (let i = 0; i < monitorCount; i++) {
    const id = newId()
    monitors.push(id)
    await t.deps.repos.monitors.insert({
      id,
      owner_id: ownerId,
      team_id: null,
      name: `m${i}`,
      check_type: 'http',
      enabled: 1,
      interval_seconds: 60,
      timeout_seconds: 10,
      network_scope: 'all',
      url: 'http://127.0.0.1/',
      config: '{}',
      created_at: now,
      updated_at: now,
    } as never)
  }
  return { probes, monitors }
}

/**
 * Ingests results through the storage path as each probe of the fleet would send them: its own
 * results in batches of 200, each batch new (`batchId` names it).
 */
export async function ingestByProbe(
  t: TestContext,
  probes: readonly FleetProbe[],
  list: readonly (IngestItem & { probeId: string })[],
  batchId: () => string,
): Promise<void> {
  for (const p of probes) {
    const mine = list.filter((s) => s.probeId === p.id)
    for (let i = 0; i < mine.length; i += 200) {
      const r = await t.deps.repos.results.ingest({
        probeId: p.id,
        networkType: p.net,
        batchId: batchId(),
        now: t.clock.now(),
        rawCutoff: -Infinity,
        items: mine.slice(i, i + 200),
      })
      expect(r.duplicate).toBe(false)
    }
  }
}

let batchSeq = 0
/** Uploads results as a probe would (each call a new batch). */
export async function uploadResults(
  t: TestContext,
  apiKey: string,
  results: { monitor_id: string; status: 'up' | 'down' | 'degraded'; checked_at?: number; message?: string }[],
) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/probes/results',
    headers: { 'x-probe-api-key': apiKey },
    payload: {
      batch_id: `test-${++batchSeq}`,
      results: results.map((r) => ({
        monitor_id: r.monitor_id,
        checked_at: r.checked_at ?? t.clock.now(),
        status: r.status,
        latency_ms: 10,
        ...(r.status === 'down' ? { failure: { phase: 'connect', message: r.message ?? 'ECONNREFUSED' } } : {}),
      })),
    },
  })
  if (res.statusCode !== 202) throw new Error(`upload failed: ${res.body}`)
  return res.json() as { accepted: number; duplicate: boolean }
}

export interface RecordedEvent {
  name: keyof DomainEvents
  payload: Record<string, unknown>
}
/** Appends every domain event of these names to `into`, in the order they are emitted. */
export function recordEvents(t: TestContext, names: readonly (keyof DomainEvents)[], into: RecordedEvent[]): void {
  for (const name of names)
    t.deps.events.on(name, (payload) => void into.push({ name, payload: payload as Record<string, unknown> }))
}
