// `npm run bench:storage -- [flags]`: time-series storage benchmark (issue 7).
//
// For each dialect, shape and size: generates N monitors × P probes × D days of results at a 60 s
// interval directly into a fresh store (raw rows in time order, as ingestion writes them, plus
// their rollups). With every size of a dialect and shape loaded, measures p50/p95 of the requests
// a user waits for, one request on each size in turn (so a 20 M / 1 M ratio compares the stores,
// not this machine at two moments); then per size ingestion through the real path (`ingestBatch`:
// assignment check, raw insert + rollups in one transaction, incident evaluation) and bytes per
// stored result. Prints a table and writes bench/results/storage.json.
//
// Two shapes, each at every size (D follows from the size and N × P):
//   wide  a fleet (--monitors, 100): 1 M = 2.3 days, 20 M = 46 days. Store-wide reads and ingestion.
//   deep  a few monitors (--deep-monitors, 7) whose history grows: 1 M = 33 days, 20 M = 1.8 years.
//         Every window the per-monitor reads ask for (30-day chart) is full at both sizes, so their
//         20 M / 1 M ratio is the cost of history alone. Ingestion is measured on the wide shape.
//
//   --dialects sqlite,postgres   which stores (PostgreSQL: WIU_BENCH_PG_URL or WIU_TEST_PG_URL)
//   --shapes wide,deep           which shapes
//   --sizes 1e6,2e7              stored results per run
//   --monitors 100 --deep-monitors 7 --probes 3
//   --requests 1000              requests per measured endpoint and size (a p95 of 200 moved ±30 %)
//   --ingest 150000              results ingested through the real path per run
//   --batch 500                  results per batch (the probe agent's MAX_BATCH_RESULTS)
//   --out bench/results/storage.json
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { FakeClock } from '@whatisup/shared'
import { sql } from 'kysely'
import pg from 'pg'
import { pino } from 'pino'
import { buildApp } from '../packages/server/src/app.js'
import { loadConfig } from '../packages/server/src/config/config.js'
import { createDeps } from '../packages/server/src/core/create-deps.js'
import type { Deps } from '../packages/server/src/core/deps.js'
import { newId } from '../packages/server/src/core/ids.js'
import { buildCoarseRollups } from '../packages/server/src/jobs/coarse-rollups.js'
import { compactRawDays } from '../packages/server/src/jobs/compaction.js'
import { hashPassword } from '../packages/server/src/modules/auth/index.js'
import { ingestBatch } from '../packages/server/src/modules/ingestion/ingestion.service.js'
import { sqliteHandle } from '../packages/server/src/storage/db.js'
import {
  addConsensus,
  insertRollups,
  putConsensusMinutes,
} from '../packages/server/src/storage/repositories/rollup-writer.js'
import {
  bucketOf,
  DAY_MS,
  MINUTE_MS,
  TIER_RETENTION_MS,
  TIERS,
} from '../packages/server/src/storage/timeseries/buckets.js'
import { packCode, packTimings, type StatusCode, toTenths } from '../packages/server/src/storage/timeseries/codec.js'
import { createDayPartitions } from '../packages/server/src/storage/timeseries/partitions.js'
import { accumulate, consensusFromPoints, type NetCode } from '../packages/server/src/storage/timeseries/rollup.js'
import { latencies, pct, prng } from './lib.js'

const { values: flags } = parseArgs({
  options: {
    dialects: { type: 'string', default: 'sqlite,postgres' },
    /** Internal: measure ingestion on an existing store in this (fresh) process, print the result. */
    'ingest-child': { type: 'string' },
    sizes: { type: 'string', default: '1e6,2e7' },
    shapes: { type: 'string', default: 'wide,deep' },
    monitors: { type: 'string', default: '100' },
    'deep-monitors': { type: 'string', default: '7' },
    probes: { type: 'string', default: '3' },
    requests: { type: 'string', default: '1000' },
    ingest: { type: 'string', default: '150000' },
    batch: { type: 'string', default: '500' },
    out: { type: 'string', default: 'bench/results/storage.json' },
  },
})
type Shape = 'wide' | 'deep'
const MONITORS: Record<Shape, number> = { wide: Number(flags.monitors), deep: Number(flags['deep-monitors']) }
const SHAPES = flags.shapes.split(',') as Shape[]
for (const shape of SHAPES) if (!(shape in MONITORS)) throw new Error(`--shapes: unknown shape "${shape}" (wide, deep)`)
const P = Number(flags.probes)
const REQUESTS = Number(flags.requests)
const INGEST = Number(flags.ingest)
const BATCH = Number(flags.batch)
const PG_URL =
  process.env.WIU_BENCH_PG_URL ?? process.env.WIU_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0)

/** The same history on every run. */
const rand = prng(2026)
const latencyMs = latencies(rand)

interface Store {
  deps: Deps
  app: Awaited<ReturnType<typeof buildApp>>
  clock: FakeClock
  token: string
  monitors: { id: string; base: number }[]
  probes: { id: string; key: string; net: 'internal' | 'external' }[]
  /** The store's directory and database URL (SQLite file or PostgreSQL database). */
  dir: string
  url: string
  /**
   * Closes the app and its database and starts both again on the same store, as a restarted server;
   * `between` runs while both are closed.
   */
  restart(between?: () => Promise<void>): Promise<void>
  close(): Promise<void>
}

const storeConfig = (dir: string) =>
  loadConfig({
    ENVIRONMENT: 'test',
    SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    EMBEDDED_PROBE: 'false',
    WEB_DIST_DIR: join(dir, 'no-web'),
    DATA_RETENTION_DAYS: '0',
  })

async function openStore(dialect: 'sqlite' | 'postgres', monitorCount: number): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'wiu-bench-'))
  let url = join(dir, 'bench.db')
  let drop = async () => {}
  if (dialect === 'postgres') {
    const name = `wiu_bench_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const u = new URL(PG_URL)
    u.pathname = `/${name}`
    url = u.toString()
    drop = async () => {
      const c = new pg.Client({ connectionString: PG_URL })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    }
  }
  const config = storeConfig(dir)
  const clock = new FakeClock(NOW)
  const deps = await createDeps(config, { clock, log: pino({ level: 'silent' }), databaseUrl: url })
  const app = await buildApp(deps)
  await app.ready()
  const password = 'bench-password-1'
  await deps.repos.users.insert({
    id: newId(NOW),
    email: 'bench@example.test',
    username: 'bench',
    full_name: null,
    password_hash: await hashPassword(password),
    is_superadmin: 1,
    is_active: 1,
    can_create_monitors: 1,
    timezone: null,
    language: null,
    created_at: NOW,
    updated_at: NOW,
  })
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'bench', password },
  })
  const token = (login.json() as { access_token: string }).access_token
  const auth = { authorization: `Bearer ${token}` }
  const probes: Store['probes'] = []
  for (let i = 0; i < P; i++) {
    const net = i === P - 1 && P > 1 ? 'internal' : 'external'
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/probes/register',
      headers: auth,
      payload: { name: `bench-probe-${i}`, network_type: net },
    })
    if (r.statusCode !== 201) throw new Error(`register probe: ${r.statusCode} ${r.body.slice(0, 300)}`)
    const body = r.json() as { id: string; api_key: string }
    probes.push({ id: body.id, key: body.api_key, net })
  }
  const monitors: Store['monitors'] = []
  for (let i = 0; i < monitorCount; i++) {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/monitors',
      headers: auth,
      payload: {
        name: `bench ${String(i).padStart(4, '0')}`,
        url: `https://svc-${i}.example.test/health`,
        interval_seconds: 60,
      },
    })
    if (r.statusCode !== 201) throw new Error(`create monitor: ${r.statusCode} ${r.body.slice(0, 300)}`)
    monitors.push({ id: (r.json() as { id: string }).id, base: 20 + (i % 17) * 15 })
  }
  const store: Store = {
    deps,
    app,
    clock,
    token,
    monitors,
    probes,
    dir,
    url,
    async restart(between) {
      await store.app.close()
      await store.deps.database.close()
      await between?.()
      store.deps = await createDeps(config, { clock, log: pino({ level: 'silent' }), databaseUrl: url })
      store.app = await buildApp(store.deps)
      await store.app.ready()
    },
    async close() {
      await store.app.close()
      await store.deps.database.close()
      // WIU_BENCH_KEEP=1 keeps the store (SQLite file or PostgreSQL database) for profiling.
      if (process.env.WIU_BENCH_KEEP) console.log(`  kept ${dialect === 'postgres' ? url : dir}`)
      else {
        await drop()
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
  return store
}

/** Raw rows of every series for one day, in time order (as ingestion interleaves them), plus rollups. */
async function loadHistory(s: Store, days: number): Promise<number> {
  const db = s.deps.database.db
  const mk = await s.deps.repos.series.monitorKeys(s.monitors.map((m) => m.id))
  const series: { mkey: number; skey: number; net: NetCode; base: number; probe: number }[] = []
  for (const [pi, p] of s.probes.entries()) {
    const net: NetCode = p.net === 'internal' ? 1 : 0
    const sk = await s.deps.repos.series.seriesKeys([...mk.values()], p.id, net, NOW)
    for (const m of s.monitors) {
      const mkey = mk.get(m.id)!
      series.push({ mkey, skey: sk.get(mkey)!, net, base: m.base + pi * 8, probe: pi })
    }
  }
  const minuteHorizon = Math.floor((NOW - TIER_RETENTION_MS['1m']) / MINUTE_MS) + 60
  const hourHorizon = Math.floor((NOW - TIER_RETENTION_MS['1h']) / MINUTE_MS)
  const start = NOW - Math.round(days * DAY_MS)
  let total = 0
  // Outages: each series is down for a few minutes now and then; some are regional (one probe).
  const outageUntil = new Map<number, number>()
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day < NOW; day += DAY_MS) {
    const from = Math.max(day, start)
    const to = Math.min(day + DAY_MS, NOW)
    if (s.deps.repos.storage.dialect === 'postgres') await createDayPartitions(db as never, [day])
    const pts: {
      skey: number
      mkey: number
      net: NetCode
      at: number
      status: StatusCode
      maintenance: boolean
      lat: number
      phases: number[] | null
      code: number
      tm: Buffer | null
    }[] = []
    for (let minute = Math.ceil(from / MINUTE_MS) * MINUTE_MS; minute < to; minute += MINUTE_MS) {
      for (const se of series) {
        const at = minute + ((se.skey * 7919) % 60_000)
        if (at >= to) continue
        if (rand() < 0.0005) outageUntil.set(se.skey, at + Math.floor(rand() * 20) * MINUTE_MS)
        const down = (outageUntil.get(se.skey) ?? 0) > at
        const status: StatusCode = down ? 2 : rand() < 0.01 ? 1 : 0
        const lat = down ? 10_000 : latencyMs(se.base)
        const t = down
          ? { dns_ms: 1 }
          : { dns_ms: 0.8, connect_ms: lat * 0.2, tls_ms: lat * 0.3, ttfb_ms: lat * 0.45, transfer_ms: lat * 0.05 }
        const tm = packTimings(t)
        pts.push({
          skey: se.skey,
          mkey: se.mkey,
          net: se.net,
          at,
          status,
          maintenance: false,
          lat: toTenths(lat),
          phases: null,
          code: packCode(status, false, down ? 503 : 200),
          tm: tm ? Buffer.from(tm) : null,
        })
      }
    }
    pts.sort((a, b) => a.at - b.at)
    total += pts.length
    await db.transaction().execute(async (tx) => {
      const details = pts
        .filter((p) => p.status === 2)
        .map((p) => ({
          skey: p.skey,
          at: p.at,
          detail: '{"failure":{"phase":"response","message":"status 503 not accepted"}}',
        }))
      const h = sqliteHandle(db)
      if (h) {
        // Bulk load: prepared statements on SQLite's connection, inside Kysely's transaction.
        const ins = h.prepare('insert into ts_results (at, skey, lat, code, tm) values (?, ?, ?, ?, ?)')
        for (const p of pts) ins.run(p.at, p.skey, p.lat, p.code, p.tm)
        const det = h.prepare('insert into ts_result_details (skey, at, detail) values (?, ?, ?)')
        for (const d of details) det.run(d.skey, d.at, d.detail)
      } else {
        // PostgreSQL: one statement per 20 000 rows through unnest (arrays as parameters).
        for (let i = 0; i < pts.length; i += 20_000) {
          const c = pts.slice(i, i + 20_000)
          await sql`insert into ts_results (at, skey, lat, code, tm)
            select * from unnest(${c.map((p) => p.at)}::int8[], ${c.map((p) => p.skey)}::int4[],
              ${c.map((p) => p.lat)}::int4[], ${c.map((p) => p.code)}::int2[], ${c.map((p) => p.tm)}::bytea[])`.execute(
            tx,
          )
        }
        if (details.length > 0)
          await sql`insert into ts_result_details (skey, at, detail)
            select * from unnest(${details.map((d) => d.skey)}::int4[], ${details.map((d) => d.at)}::int8[],
              ${details.map((d) => d.detail)}::text[])`.execute(tx)
      }
      for (const tier of TIERS) {
        // Only what each tier keeps: the minute tier covers the last 48 h.
        const horizon = tier === '1d' ? -Infinity : (tier === '1m' ? minuteHorizon : hourHorizon) * MINUTE_MS
        const kept = horizon === -Infinity ? pts : pts.filter((p) => p.at >= horizon)
        if (kept.length > 0) await insertRollups(tx, tier, [...accumulate(kept, (at) => bucketOf(at, tier)).values()])
      }
      const byMonitor = new Map<number, typeof pts>()
      for (const p of pts) {
        const l = byMonitor.get(p.mkey)
        if (l) l.push(p)
        else byMonitor.set(p.mkey, [p])
      }
      for (const [mkey, mp] of byMonitor) {
        const c = consensusFromPoints(mp)
        if (c.minutes.size === 0) continue
        await putConsensusMinutes(
          tx,
          [...c.minutes.values()]
            .filter((m) => m.minute >= minuteHorizon)
            .map((m) => ({ mkey, net: m.net, bucket: m.minute, state: m.state })),
        )
        await addConsensus(
          tx,
          '1h',
          [...c.hours.values()].filter((h) => h.bucket >= hourHorizon).map((h) => ({ mkey, ...h })),
          'insert',
        )
        await addConsensus(
          tx,
          '1d',
          [...c.days.values()].map((d) => ({ mkey, ...d })),
          'insert',
        )
      }
    })
    process.stdout.write(`\r  loaded ${(total / 1e6).toFixed(2)} M results`)
  }
  process.stdout.write('\n')
  return total
}

/**
 * p50/p95 of one request on each store, the stores' requests interleaved (one on each in turn):
 * every store is measured under the same machine conditions, so their ratio is not the drift of
 * this machine between two moments (on PostgreSQL, runs minutes apart differed by up to 2× on the
 * same store).
 */
async function measure(
  stores: readonly Store[],
  name: (s: Store) => string,
  url: (s: Store, i: number) => string,
): Promise<{ name: string; p50: number; p95: number }[]> {
  const headers = (s: Store) => ({ authorization: `Bearer ${s.token}` })
  for (const s of stores)
    for (let i = 0; i < 10; i++) await s.app.inject({ method: 'GET', url: url(s, i), headers: headers(s) }) // warm-up
  const times = stores.map((): number[] => [])
  for (let i = 0; i < REQUESTS; i++)
    for (const [k, s] of stores.entries()) {
      const t0 = performance.now()
      const r = await s.app.inject({ method: 'GET', url: url(s, i), headers: headers(s) })
      times[k]!.push(performance.now() - t0)
      if (r.statusCode !== 200) throw new Error(`${name(s)}: ${r.statusCode} ${r.body.slice(0, 200)}`)
    }
  return stores.map((s, k) => ({ name: name(s), p50: round(pct(times[k]!, 0.5)), p95: round(pct(times[k]!, 0.95)) }))
}
const round = (v: number, dp = 2) => Math.round(v * 10 ** dp) / 10 ** dp

/** The five reads on every store (interleaved), per store. */
async function measureReads(stores: readonly Store[]) {
  const ids = (s: Store) => s.monitors.map((m) => m.id)
  const pick = (s: Store, i: number) => ids(s)[(i * 37) % ids(s).length]!
  const iso = (ms: number) => new Date(ms).toISOString()
  const listed = (s: Store) => Math.min(100, ids(s).length)
  const all = [
    await measure(
      stores,
      (s) => `monitors list (${listed(s)})`,
      () => '/api/v1/monitors?limit=100',
    ),
    await measure(
      stores,
      (s) => `list stats (${listed(s)}: 24 h uptime, p95, sparkline)`,
      (s) => `/api/v1/analytics/monitors?ids=${ids(s).slice(0, 100).join(',')}`,
    ),
    await measure(
      stores,
      () => 'monitor detail 30 d (chart series)',
      (s, i) => `/api/v1/monitors/${pick(s, i)}/series?hours=720`,
    ),
    await measure(
      stores,
      () => 'uptime 90 d',
      (s, i) => `/api/v1/monitors/${pick(s, i)}/uptime?hours=2160`,
    ),
    await measure(
      stores,
      () => 'SLA report 1 y',
      (s, i) => `/api/v1/monitors/${pick(s, i)}/report?from=${iso(NOW - 365 * DAY_MS)}&to=${iso(NOW)}`,
    ),
  ]
  return stores.map((_, k) => all.map((reads) => reads[k]!))
}

type Ingestion = Awaited<ReturnType<typeof measureIngestion>>

/**
 * Both ingestion runs in a fresh process on the stored data, as a server in steady state ingests:
 * not in the loader's process, whose heap still holds the bulk load (at 20 M on PostgreSQL that
 * process measured 8,100–9,400 results/s where a fresh one on the same store measured 12,600–13,500).
 */
async function ingestInChild(s: Store): Promise<{ storage: Ingestion; full: Ingestion }> {
  let out = ''
  await s.restart(async () => {
    const args = ['--ingest-child', JSON.stringify({ dir: s.dir, url: s.url })]
    for (const f of ['ingest', 'batch', 'probes'] as const) args.push(`--${f}`, String(flags[f]))
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1] as string, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    if (r.status !== 0) throw new Error(`ingestion child exited with ${r.status}`)
    out = r.stdout
  })
  const line = out.split('\n').find((l) => l.startsWith('RESULT '))
  if (!line) throw new Error(`ingestion child printed no result:\n${out.slice(0, 2000)}`)
  return JSON.parse(line.slice('RESULT '.length)) as { storage: Ingestion; full: Ingestion }
}

/** The child's side of `ingestInChild`: opens the store as the server does, measures, prints. */
async function ingestChild(o: { dir: string; url: string }): Promise<void> {
  const clock = new FakeClock(NOW)
  const deps = await createDeps(storeConfig(o.dir), { clock, log: pino({ level: 'silent' }), databaseUrl: o.url })
  const app = await buildApp(deps)
  await app.ready()
  const db = deps.database.db
  // Named `bench 0007` by openStore, with the latency base it derives from the index.
  const monitors = (await db.selectFrom('monitors').select(['id', 'name']).orderBy('name').execute()).map((m) => ({
    id: m.id,
    base: 20 + (Number(m.name.slice('bench '.length)) % 17) * 15,
  }))
  const probes = (await db.selectFrom('probes').select(['id', 'network_type']).orderBy('name').execute()).map((p) => ({
    id: p.id,
    key: '',
    net: p.network_type === 'internal' ? ('internal' as const) : ('external' as const),
  }))
  const s = { deps, clock, monitors, probes }
  const storage = await measureIngestion(s, INGEST, 'storage')
  const full = await measureIngestion(s, INGEST, 'full')
  await app.close()
  await deps.database.close()
  console.log(`RESULT ${JSON.stringify({ storage, full })}`)
}

/** Results through ingestBatch, one batch in flight per probe, the probes concurrently. */
async function measureIngestion(
  s: Pick<Store, 'deps' | 'clock' | 'monitors' | 'probes'>,
  count: number,
  path: 'full' | 'storage',
): Promise<{
  resultsPerSecond: number
  results: number
  seconds: number
  storageSeconds: number
  cpuSeconds: number
  resultsPerCpuSecond: number
}> {
  const probes = await Promise.all(s.probes.map((p) => s.deps.repos.probes.findById(p.id)))
  const perProbe = Math.ceil(count / probes.length)
  const base = s.clock.now()
  const queues = probes.map((probe, pi) => {
    const batches: { batch_id: string; results: Parameters<typeof ingestBatch>[2]['results'] }[] = []
    let open: Parameters<typeof ingestBatch>[2]['results'] = []
    for (let k = 0; k < perProbe; k++) {
      const m = s.monitors[k % s.monitors.length]!
      const round = Math.floor(k / s.monitors.length)
      const at = base + (round + 1) * MINUTE_MS + (k % 60) * 1000
      const latency = latencyMs(m.base + pi * 8)
      open.push({
        monitor_id: m.id,
        checked_at: at,
        status: 'up',
        latency_ms: latency,
        http_status: 200,
        timings: {
          dns_ms: 0.8,
          connect_ms: latency * 0.2,
          tls_ms: latency * 0.3,
          ttfb_ms: latency * 0.45,
          transfer_ms: latency * 0.05,
        },
        tls: {
          valid_to: NOW + 80 * DAY_MS,
          days_remaining: 80,
          authorized: true,
          issuer: 'Bench CA',
          fingerprint256: 'AB:CD',
        },
        remote_address: '203.0.113.7',
      })
      if (open.length === BATCH) {
        batches.push({ batch_id: `bench-${pi}-${batches.length}`, results: open })
        open = []
      }
    }
    if (open.length > 0) batches.push({ batch_id: `bench-${pi}-${batches.length}`, results: open })
    return { probe: probe!, batches }
  })
  // Time spent in the storage half, to tell it apart from evaluation in the full path.
  const repo = s.deps.repos.results
  const original = repo.ingest.bind(repo)
  let storageMs = 0
  repo.ingest = async (input) => {
    const a = performance.now()
    try {
      return await original(input)
    } finally {
      storageMs += performance.now() - a
    }
  }
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let done = 0
  await Promise.all(
    queues.map(async (q) => {
      for (const b of q.batches) {
        // Time moves with the results, so the evaluator sees them as fresh (its full path).
        const last = b.results[b.results.length - 1]!.checked_at
        if (last > s.clock.now()) s.clock.advance(last - s.clock.now())
        if (path === 'full') {
          const ack = await ingestBatch(s.deps, q.probe, b)
          if (process.env.DBG) console.log(q.probe.name, b.batch_id, ack)
          done += ack.accepted
        } else {
          // The storage half of ingestBatch alone: raw insert + rollups in one transaction.
          await s.deps.repos.results.ingest({
            probeId: q.probe.id,
            networkType: q.probe.network_type,
            batchId: `${b.batch_id}-s`,
            now: s.clock.now(),
            rawCutoff: -Infinity,
            items: b.results.map((r) => ({
              monitorId: r.monitor_id,
              at: r.checked_at,
              status: 0,
              maintenance: false,
              latencyMs: r.latency_ms,
              httpStatus: 200,
              timings: r.timings ?? null,
              detail: null,
            })),
          })
          done += b.results.length
        }
      }
    }),
  )
  // SQLite folds rollups behind the acknowledgement: the run ends when the last fold is done.
  await s.deps.repos.results.settle()
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(c0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  repo.ingest = original
  return {
    // This process's CPU time (the server's half: PostgreSQL's own work is in its processes).
    cpuSeconds: round(cpuSeconds),
    resultsPerCpuSecond: Math.round(done / cpuSeconds),
    storageSeconds: round(storageMs / 1000),
    resultsPerSecond: Math.round(done / seconds),
    results: done,
    seconds: round(seconds),
  }
}

async function sizes(s: Store, results: number) {
  const t = await s.deps.repos.storage.tableBytes([
    'ts_results',
    'ts_results_packed',
    'ts_result_details',
    'ts_rollup_1m',
    'ts_rollup_1h',
    'ts_rollup_1d',
    'ts_consensus_1m',
    'ts_consensus_1h',
    'ts_consensus_1d',
    'ts_rollup_1w',
    'ts_rollup_4w',
    'ts_consensus_1w',
    'ts_consensus_4w',
    'ts_chart_1h',
  ])
  const raw = (t.ts_results ?? 0) + (t.ts_results_packed ?? 0) + (t.ts_result_details ?? 0)
  const rollups = Object.entries(t)
    .filter(([k]) => !k.startsWith('ts_result'))
    .reduce((n, [, v]) => n + v, 0)
  return {
    rawBytesPerResult: round(raw / results, 1),
    resultsTableBytesPerResult: round(((t.ts_results ?? 0) + (t.ts_results_packed ?? 0)) / results, 1),
    rollupBytesPerResult: round(rollups / results, 1),
    databaseBytes: await s.deps.repos.storage.sizeBytes(),
    tables: t,
  }
}

interface Run {
  dialect: 'sqlite' | 'postgres'
  shape: Shape
  monitors: number
  size: number
  reads: { name: string; p50: number; p95: number }[]
}
if (flags['ingest-child']) {
  await ingestChild(JSON.parse(flags['ingest-child']) as { dir: string; url: string })
  process.exit(0)
}

const runs: (Run & Record<string, unknown>)[] = []
/** Written after every run, so an interrupted benchmark keeps what it measured (`complete: false`). */
function save(complete: boolean): void {
  const out = {
    when: new Date().toISOString(),
    complete,
    machine: { cpus: cpus().length, load: loadavg() },
    settings: { monitors: MONITORS, probes: P, requests: REQUESTS, ingest: INGEST, batch: BATCH },
    runs,
  }
  mkdirSync(dirname(flags.out), { recursive: true })
  writeFileSync(flags.out, `${JSON.stringify(out, null, 2)}\n`)
}
for (const dialect of flags.dialects.split(',') as ('sqlite' | 'postgres')[]) {
  for (const shape of SHAPES) {
    const n = MONITORS[shape]
    // Every size of this dialect and shape is loaded first, then their reads are measured
    // interleaved (`measure`), then each one's ingestion and size.
    const prepared: {
      s: Store
      size: number
      days: number
      stored: number
      loadSeconds: number
      coarse: Record<string, unknown>
      compaction: { seconds: number; days: number; results: number } | null
    }[] = []
    try {
      for (const size of flags.sizes.split(',').map(Number)) {
        const days = size / (n * P * 1440)
        console.log(
          `\n${dialect}, ${shape}: ${n} monitors × ${P} probes × ${days.toFixed(2)} days = ${size.toExponential(1)} results (load ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')})`,
        )
        const s = await openStore(dialect, n)
        const t0 = performance.now()
        const stored = await loadHistory(s, days)
        const loadSeconds = round((performance.now() - t0) / 1000, 1)
        // Steady state: the storage job has built the chart days, week and 4-week rows of every closed period.
        const w0 = performance.now()
        const built = await buildCoarseRollups(s.deps)
        const coarse = { seconds: round((performance.now() - w0) / 1000, 1), ...built }
        console.log(
          `  built tiers: ${built.built.chart_1h ?? 0} chart days, ${built.built['1w'] ?? 0} weeks and ${built.built['4w'] ?? 0} 4-week periods, ${built.rows} rows in ${coarse.seconds} s`,
        )
        let compaction: { seconds: number; days: number; results: number } | null = null
        if (dialect === 'postgres') {
          // Steady state: past days packed by the storage job, statistics fresh.
          const c0 = performance.now()
          const c = await compactRawDays(s.deps)
          compaction = { seconds: round((performance.now() - c0) / 1000, 1), days: c.days.length, results: c.results }
          console.log(`  compaction: ${c.results} results of ${c.days.length} days packed in ${compaction.seconds} s`)
          await sql`vacuum analyze`.execute(s.deps.database.db)
        }
        // Measured in a freshly started app on the stored data, as a server in steady state would be:
        // not in the loader's process, whose heap and page cache hold the bulk load (on SQLite at 20 M
        // that process ingested ~35 % slower than the same store reopened).
        await s.restart()
        prepared.push({ s, size, days, stored, loadSeconds, coarse, compaction })
      }
      console.log(
        `\n${dialect}, ${shape}: reads, ${REQUESTS} of each on every size in turn (load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')})`,
      )
      const readsOf = await measureReads(prepared.map((p) => p.s))
      for (const [k, { s, size, days, stored, loadSeconds, coarse, compaction }] of prepared.entries()) {
        const reads = readsOf[k]!
        console.log(`\n${dialect}, ${shape}, ${size.toExponential(1)} results`)
        for (const r of reads)
          console.log(
            `  ${r.name.padEnd(48)} p50 ${String(r.p50).padStart(7)} ms   p95 ${String(r.p95).padStart(7)} ms`,
          )
        const loadBefore = loadavg()[0]
        let ingestStorage: Ingestion | null = null
        let ingest: Ingestion | null = null
        if (shape === 'wide') {
          const r = await ingestInChild(s)
          ingestStorage = r.storage
          console.log(
            `  ingestion, storage path (raw + rollups, batches of ${BATCH})   ${ingestStorage.resultsPerSecond} results/s (${ingestStorage.results} in ${ingestStorage.seconds} s; ${ingestStorage.resultsPerCpuSecond}/s of server CPU)`,
          )
          ingest = r.full
          console.log(
            `  ingestion, full path (+ assignment, incident evaluation)  ${ingest.resultsPerSecond} results/s (${ingest.results} in ${ingest.seconds} s, of which storage ${ingest.storageSeconds} s; ${ingest.resultsPerCpuSecond}/s of server CPU)`,
          )
        }
        const sz = await sizes(s, stored + (ingest?.results ?? 0) + (ingestStorage?.results ?? 0))
        console.log(
          `  raw bytes/result ${sz.rawBytesPerResult} (results table ${sz.resultsTableBytesPerResult}), rollups ${sz.rollupBytesPerResult} bytes/result, database ${(sz.databaseBytes / 1e6).toFixed(0)} MB`,
        )
        runs.push({
          dialect,
          shape,
          monitors: n,
          coarse,
          compaction,
          size,
          stored,
          days: round(days, 2),
          loadSeconds,
          reads,
          ingestStorage,
          ingest,
          sizes: sz,
          load1m: loadBefore,
        })
        save(false)
      }
    } finally {
      for (const p of prepared) await p.s.close()
    }
  }
}

// The 1.5× rule: p95 at the largest size over p95 at the smallest, per dialect and shape.
const sizesRun = flags.sizes.split(',').map(Number)
if (sizesRun.length > 1) {
  const lo = Math.min(...sizesRun)
  const hi = Math.max(...sizesRun)
  console.log(`\np95 at ${hi.toExponential(0)} / p95 at ${lo.toExponential(0)} (target ≤ 1.5×):`)
  for (const r of runs.filter((x) => x.size === hi)) {
    const base = runs.find((x) => x.size === lo && x.dialect === r.dialect && x.shape === r.shape)
    if (!base) continue
    for (const read of r.reads) {
      const b = base.reads.find((x) => x.name === read.name)
      if (!b) continue
      const ratio = read.p95 / b.p95
      console.log(
        `  ${`${r.dialect}, ${r.shape}`.padEnd(18)} ${read.name.padEnd(48)} ${b.p95} → ${read.p95} ms  ${ratio.toFixed(2)}× ${ratio <= 1.5 ? '✓' : '✗'}`,
      )
    }
  }
}

save(true)
console.log(`\nwritten to ${flags.out}`)
