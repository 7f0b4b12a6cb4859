import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../src/storage/db.js'
import { postgresDialect, sqliteDialect } from '../src/storage/dialect.js'
import * as m0001 from '../src/storage/migrations/0001_initial.js'
import { createRepos } from '../src/storage/repositories/index.js'
import { dialectUnderTest, PG_ADMIN_URL } from './helpers.js'

/** A database that shipped with 0001 (results in `check_results`) upgrades without losing a row. */
describe(`migration of shipped results (${dialectUnderTest})`, () => {
  it('copies check_results into the compact tables, splits details, and flags a rebuild', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wiu-mig-'))
    let url = join(dir, 'old.db')
    let drop = async () => {}
    let old: Kysely<unknown>
    if (PG_ADMIN_URL) {
      const name = `wiu_mig_${randomBytes(5).toString('hex')}`
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
      await admin.connect()
      await admin.query(`create database ${name}`)
      await admin.end()
      const u = new URL(PG_ADMIN_URL)
      u.pathname = `/${name}`
      url = u.toString()
      drop = async () => {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL })
        await c.connect()
        await c.query(`drop database if exists ${name} with (force)`)
        await c.end()
      }
      old = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) })
    } else {
      old = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(url) }) })
    }
    try {
      const d = PG_ADMIN_URL ? postgresDialect : sqliteDialect
      const { error } = await new Migrator({
        db: old,
        provider: { getMigrations: async () => ({ '0001_initial': { up: (k) => m0001.up(k, d) } }) },
      }).migrateToLatest()
      expect(error).toBeUndefined()
      const t0 = Date.UTC(2025, 11, 30, 23, 58)
      await sql`insert into users (id, email, username, is_superadmin, is_active, can_create_monitors, created_at, updated_at)
        values ('u1', 'u@x', 'u', 0, 1, 1, ${t0}, ${t0})`.execute(old)
      await sql`insert into monitors (id, owner_id, name, check_type, enabled, interval_seconds, timeout_seconds, network_scope, url, config, created_at, updated_at)
        values ('m1', 'u1', 'm', 'http', 1, 60, 10, 'all', 'http://x/', '{}', ${t0}, ${t0})`.execute(old)
      await sql`insert into probes (id, name, location_name, network_type, key_hash, key_prefix, is_active, is_embedded, created_at, updated_at)
        values ('p1', 'p1', '', 'internal', 'h', 'wiu_', 1, 0, ${t0}, ${t0})`.execute(old)
      for (let i = 0; i < 5; i++) {
        const detail =
          i === 2
            ? JSON.stringify({ timings: { connect_ms: 2.5 }, failure: { phase: 'connect', message: 'refused' } })
            : JSON.stringify({ timings: { connect_ms: 1.5, ttfb_ms: 9 } })
        await sql`insert into check_results (monitor_id, probe_id, checked_at, status, latency_ms, http_status, detail)
          values ('m1', 'p1', ${t0 + i * 60_000}, ${i === 2 ? 2 : 0}, ${12.34 + i}, ${i === 2 ? null : 200}, ${detail})`.execute(
          old,
        )
      }
      await old.destroy()

      const db = await openDatabase({ url })
      try {
        const repos = createRepos(db.db)
        const rows = await repos.results.listForMonitor('m1', { limit: 10, offset: 0 })
        expect(rows.map((r) => r.checked_at)).toEqual([4, 3, 2, 1, 0].map((i) => t0 + i * 60_000))
        expect(rows[2]).toMatchObject({ status: 2, http_status: null, latency_ms: 14.3, probe_id: 'p1' })
        expect(JSON.parse(rows[2]!.detail!)).toEqual({
          timings: { connect_ms: 2.5 },
          failure: { phase: 'connect', message: 'refused' },
        })
        expect(JSON.parse(rows[0]!.detail!)).toEqual({ timings: { connect_ms: 1.5, ttfb_ms: 9 } })
        const details = await db.db.selectFrom('ts_result_details').selectAll().execute()
        expect(details).toHaveLength(1)
        const series = await db.db.selectFrom('ts_series').selectAll().execute()
        expect(series).toMatchObject([{ probe_id: 'p1', net: 1 }])
        expect(await repos.settings.get('ts.rebuild_pending')).toBe('1')
        const tables = PG_ADMIN_URL
          ? await sql<{ n: string }>`select tablename as n from pg_tables where tablename = 'check_results'`.execute(
              db.db,
            )
          : await sql<{ n: string }>`select name as n from sqlite_schema where name = 'check_results'`.execute(db.db)
        expect(tables.rows).toEqual([])
      } finally {
        await db.close()
      }
    } finally {
      await drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
