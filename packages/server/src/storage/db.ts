import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { type Checkpointer, startCheckpointer } from './checkpointer.js'
import { type Dialect, postgresDialect, sqliteDialect } from './dialect.js'
import * as m0001 from './migrations/0001_initial.js'
import * as m0002 from './migrations/0002_timeseries.js'
import * as m0003 from './migrations/0003_packed_results.js'
import * as m0020 from './migrations/0020_incident_engine.js'
import * as m0030 from './migrations/0030_alerting.js'
import * as m0040 from './migrations/0040_server_monitors.js'
import * as m0050 from './migrations/0050_groups_tags.js'
import * as m0060 from './migrations/0060_diagnostics.js'
import * as m0070 from './migrations/0070_web_push.js'
import * as m0071 from './migrations/0071_group_reports.js'
import * as m0080 from './migrations/0080_tag_targets.js'
import * as m0090 from './migrations/0090_fold_queue.js'
import * as m0100 from './migrations/0100_coarse_rollups.js'
import * as m0110 from './migrations/0110_chart_days.js'
import type { DB } from './schema.js'
import { cachedStatements } from './sqlite-statements.js'
import { decodeInto, encode, type Histogram, mergeEncoded, newHistogram } from './timeseries/histogram.js'

// pg returns int8/numeric as strings; the rest of the code expects numbers, as SQLite gives.
pg.types.setTypeParser(20, Number)
pg.types.setTypeParser(1700, Number)

export interface Database {
  db: Kysely<DB>
  dialect: Dialect
  /** Cheap liveness probe for /api/health. */
  ping(): Promise<boolean>
  close(): Promise<void>
}

const sqliteHandles = new WeakMap<Kysely<DB>, SQLite.Database>()

/**
 * The better-sqlite3 connection behind a Kysely instance (SQLite only). Repositories use it for
 * hot paths with cached prepared statements, and only inside a Kysely transaction, which holds
 * Kysely's connection mutex so nothing else runs on the connection meanwhile.
 */
export function sqliteHandle(db: Kysely<DB>): SQLite.Database | undefined {
  return sqliteHandles.get(db)
}

export interface DatabaseOptions {
  /** `postgres://…` or a SQLite file path (`:memory:` for throwaway tests). */
  url: string
  /** SQLite: `full` syncs the WAL at every commit (see config `SQLITE_SYNCHRONOUS`). */
  synchronous?: 'normal' | 'full'
  /** SQLite: a background WAL checkpoint failed (if its thread died, the writer's own take over). */
  onCheckpointError?: (message: string) => void
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const isPg = /^postgres(ql)?:\/\//.test(opts.url)
  let db: Kysely<DB>
  let dialect: Dialect
  let checkpointer: Checkpointer | null = null
  if (isPg) {
    dialect = postgresDialect
    const pool = new pg.Pool({ connectionString: opts.url, max: 10 })
    // An idle connection killed by the server (restart, admin terminate) must not crash the
    // process: the pool drops it and the next query opens a fresh one.
    pool.on('error', () => {})
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  } else {
    dialect = sqliteDialect
    const file = opts.url === ':memory:' ? null : opts.url
    if (file) mkdirSync(dirname(file), { recursive: true })
    const sqlite = new SQLite(opts.url)
    // Must precede the first table: lets the retention job hand freed pages back to the OS.
    if (sqlite.pragma('page_count', { simple: true }) === 0) sqlite.pragma('auto_vacuum = INCREMENTAL')
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    // Ingestion touches the newest leaf page of every series: keep those in cache (64 MiB).
    sqlite.pragma('cache_size = -65536')
    // Each ingestion batch dirties a few hundred pages (the newest page of every series it
    // touches): checkpointing every 1000 WAL pages (the default) copied the same hot pages back
    // to the database every other batch. A worker thread checkpoints every 32 MiB of WAL
    // (storage/checkpointer.ts), off the event loop; the writer's own checkpoint at 256 MiB is
    // only a backstop. The WAL file is truncated back to 64 MiB at most after a checkpoint.
    sqlite.pragma(`wal_autocheckpoint = ${file ? 65536 : 8192}`)
    if (file)
      checkpointer = startCheckpointer(file, {
        thresholdBytes: 32 * 1024 * 1024,
        intervalMs: 250,
        ...(opts.onCheckpointError && { onError: opts.onCheckpointError }),
        // Without the worker the writer checkpoints by itself again, every 32 MiB.
        onGiveUp: () => sqlite.pragma('wal_autocheckpoint = 8192'),
      })
    sqlite.pragma('journal_size_limit = 67108864')
    sqlite.pragma('temp_store = MEMORY')
    // Rollup upserts merge histograms in SQL ("upserts that add"), so ingestion reads nothing back.
    sqlite.function('wiu_hist_merge', { deterministic: true }, (a: unknown, b: unknown) =>
      Buffer.from(mergeEncoded(a as Uint8Array | null, b as Uint8Array | null)),
    )
    // Reads merge histograms in SQL too: one merged blob per group instead of a row per bucket.
    sqlite.aggregate('wiu_hist_sum', {
      start: () => newHistogram(),
      step: (acc: Histogram, blob: unknown) => decodeInto(acc, blob as Uint8Array | null),
      result: (acc: Histogram) => Buffer.from(encode(acc)),
    })
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }) })
    sqliteHandles.set(db, sqlite)
  }
  await migrate(db, dialect)
  return {
    db,
    dialect,
    async ping() {
      try {
        await db.selectFrom('settings').select('key').limit(1).execute()
        return true
      } catch {
        return false
      }
    },
    async close() {
      await checkpointer?.stop()
      await db.destroy()
    },
  }
}

const MIGRATIONS: Record<string, { up: (db: Kysely<unknown>, d: Dialect) => Promise<void> }> = {
  '0001_initial': m0001,
  '0002_timeseries': m0002,
  '0003_packed_results': m0003,
  '0020_incident_engine': m0020,
  '0030_alerting': m0030,
  '0040_server_monitors': m0040,
  '0050_groups_tags': m0050,
  '0060_diagnostics': m0060,
  '0070_web_push': m0070,
  '0071_group_reports': m0071,
  '0080_tag_targets': m0080,
  '0090_fold_queue': m0090,
  '0100_coarse_rollups': m0100,
  '0110_chart_days': m0110,
}

async function migrate(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {}
      for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (k) => m.up(k, dialect) }
      return out
    },
  }
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed)
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`)
}
