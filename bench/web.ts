// `npm run bench:web -- [flags]`: the monitors page at 10,000 monitors (issue 6).
//
// Seeds a fresh SQLite database with N monitors and D days of history for one probe, starts the
// real app on 127.0.0.1 with fresh in-memory caches, then measures:
//   (a) server-side time of the monitors page's data requests (the exact URLs the page asks for,
//       replayed in-process with `app.inject`: no network, no browser), p50/p95;
//   (b) page usable in Chromium: navigation start → first table rows rendered, cold browser cache
//       each load, p50/p95;
//   (c) initial JavaScript: the entry chunk of dist/index.html and its static imports, gzip -9.
// Raw results for D days × N monitors are far too many rows to generate here (30 d × 10,000 at
// 60 s = 432 M), so only the last --raw-hours are raw results (with their 1-minute rollups and
// consensus minutes); the hours before are written as hourly and daily rollups and consensus rows,
// as ingestion would have left them (from synthetic hours of 60 checks each).
//
//   --monitors 10000   --days 30   --raw-hours 2
//   --requests 200     requests per measured data endpoint (bounded by --max-seconds as well)
//   --loads 10         page loads in Chromium
//   --max-seconds 120  upper bound for each measurement loop
//   --out bench/results/web.json
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { pino } from 'pino'
import { launchBrowser } from '../e2e/harness.js'
import { buildApp } from '../packages/server/src/app.js'
import { loadConfig } from '../packages/server/src/config/config.js'
import { createDeps } from '../packages/server/src/core/create-deps.js'
import type { Deps } from '../packages/server/src/core/deps.js'
import { newId } from '../packages/server/src/core/ids.js'
import { hashPassword } from '../packages/server/src/modules/auth/index.js'
import { sqliteHandle } from '../packages/server/src/storage/db.js'
import { ROLLUP_COLS, rollupParams } from '../packages/server/src/storage/repositories/ts-writer.js'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../packages/server/src/storage/timeseries/buckets.js'
import { packCode, packTimings, type StatusCode, toTenths } from '../packages/server/src/storage/timeseries/codec.js'
import { encode } from '../packages/server/src/storage/timeseries/histogram.js'
import {
  addPoint,
  type MinuteCounts,
  mergeAcc,
  newAcc,
  newCounts,
  type RollupAcc,
} from '../packages/server/src/storage/timeseries/rollup.js'
import { latencies, pct, prng } from './lib.js'

const { values: flags } = parseArgs({
  options: {
    monitors: { type: 'string', default: '10000' },
    days: { type: 'string', default: '30' },
    'raw-hours': { type: 'string', default: '2' },
    requests: { type: 'string', default: '200' },
    loads: { type: 'string', default: '10' },
    'max-seconds': { type: 'string', default: '120' },
    out: { type: 'string', default: 'bench/results/web.json' },
    /** Also print where the browser's main thread spent the traced load (V8 CPU profile, self time). */
    profile: { type: 'boolean', default: false },
  },
})
const N = Number(flags.monitors)
const DAYS = Number(flags.days)
const RAW_HOURS = Number(flags['raw-hours'])
const REQUESTS = Number(flags.requests)
const LOADS = Number(flags.loads)
const MAX_MS = Number(flags['max-seconds']) * 1000
const ROOT = resolve(import.meta.dirname, '..')
const DIST = join(ROOT, 'packages/web/dist')
const TARGETS = { dataP95Ms: 50, usableP95Ms: 1000, initialJsGzipKb: 250 }

const round = (v: number, dp = 1) => Math.round(v * 10 ** dp) / 10 ** dp
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
/** The same history on every run. */
const rand = prng(2026)
const latencyMs = latencies(rand)
/** 99 % up, ~1 % degraded, a rare down: one check's status. */
const statusOf = (): StatusCode => {
  const r = rand()
  return r < 0.0005 ? 2 : r < 0.01 ? 1 : 0
}
const timingsOf = (lat: number) => ({
  dns_ms: 0.8,
  connect_ms: lat * 0.2,
  tls_ms: lat * 0.3,
  ttfb_ms: lat * 0.45,
  transfer_ms: lat * 0.05,
})

// ── (c) initial JavaScript ───────────────────────────────────────────────────────────────────

/** The entry module of dist/index.html and every module it imports statically (not `import()`). */
function initialJs(): { files: { file: string; bytes: number; gzip: number }[]; gzip: number; bytes: number } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8')
  const entry = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(html)?.[1]
  if (!entry) throw new Error('no module entry in dist/index.html')
  const toFile = (src: string) => join(DIST, src.replace(/^\//, ''))
  const seen = new Set<string>()
  const queue = [toFile(entry)]
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) queue.push(toFile(m[1]!))
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const code = readFileSync(file, 'utf8')
    // `import … from "./x.js"`, `export … from "./x.js"`, `import "./x.js"`; never `import("./x.js")`.
    for (const m of code.matchAll(/\b(?:import|export)\s*(?:[^'"();]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g))
      queue.push(resolve(dirname(file), m[1]!))
  }
  const files = [...seen].map((file) => {
    const buf = readFileSync(file)
    return { file: file.slice(DIST.length + 1), bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length }
  })
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzip: files.reduce((n, f) => n + f.gzip, 0),
  }
}

// ── seeding ──────────────────────────────────────────────────────────────────────────────────

const CONFIG_ENV = (dir: string) => ({
  ENVIRONMENT: 'test',
  SECRET_KEY: 'bench-web-secret-key-0123456789abcdef01234567',
  DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  EMBEDDED_PROBE: 'false',
  WEB_DIST_DIR: DIST,
  HOST: '127.0.0.1',
  PORT: '0',
})
const PASSWORD = 'bench-password-1'

async function openDeps(dir: string): Promise<Deps> {
  return createDeps(loadConfig(CONFIG_ENV(dir)), { log: pino({ level: 'silent' }) })
}

/** One synthetic hour of 60 checks: its rollup accumulator, encoded histogram and consensus minutes. */
interface HourTemplate {
  acc: RollupAcc
  hist: Buffer
  minutes: MinuteCounts
}
function hourTemplate(base: number): HourTemplate {
  const acc = newAcc()
  const minutes = newCounts()
  for (let i = 0; i < 60; i++) {
    const status = statusOf()
    const lat = status === 2 ? 10_000 : latencyMs(base)
    const t = timingsOf(lat)
    addPoint(acc, {
      status,
      maintenance: false,
      lat: toTenths(lat),
      phases:
        status === 2 ? null : [t.dns_ms, t.connect_ms, t.tls_ms, t.ttfb_ms, t.transfer_ms].map((v) => toTenths(v)),
    })
    minutes[status === 0 ? 'up' : status === 1 ? 'degraded' : 'down']++
  }
  return { acc, hist: Buffer.from(encode(acc.hist)), minutes }
}

interface Seeded {
  monitors: number
  probes: number
  rows: Record<string, number>
  seconds: { monitors: number; history: number }
  rawFrom: string
  historyFrom: string
}

async function seed(dir: string): Promise<Seeded> {
  const deps = await openDeps(dir)
  const app = await buildApp(deps)
  await app.ready()
  const now = Date.now()
  try {
    await deps.repos.users.insert({
      id: newId(now),
      email: 'bench@example.test',
      username: 'bench',
      full_name: null,
      password_hash: await hashPassword(PASSWORD),
      is_superadmin: 1,
      is_active: 1,
      can_create_monitors: 1,
      timezone: null,
      language: null,
      created_at: now,
      updated_at: now,
    })
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'bench', password: PASSWORD },
    })
    const auth = { authorization: `Bearer ${(login.json() as { access_token: string }).access_token}` }
    const probe = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/probes/register',
        headers: auth,
        payload: { name: 'bench-probe', network_type: 'external' },
      })
    ).json() as { id: string }

    // Monitors through the API, as a user would create them: in 20 groups, with two tags each.
    const t0 = performance.now()
    const groups: string[] = []
    for (let g = 0; g < 20; g++) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/groups',
        headers: auth,
        payload: { name: `team ${g}` },
      })
      if (r.statusCode !== 201) throw new Error(`create group: ${r.statusCode} ${r.body.slice(0, 300)}`)
      groups.push((r.json() as { id: string }).id)
    }
    const ids: string[] = []
    for (let i = 0; i < N; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/monitors',
        headers: auth,
        payload: {
          name: `svc-${String(i).padStart(5, '0')} ${['api', 'web', 'db', 'queue', 'cdn'][i % 5]}`,
          url: `https://svc-${i}.example.test/health`,
          interval_seconds: 60,
          group_id: groups[i % groups.length],
          tags: [i % 3 === 0 ? 'env:staging' : 'env:prod', `tier:${i % 4}`],
        },
      })
      if (r.statusCode !== 201) throw new Error(`create monitor: ${r.statusCode} ${r.body.slice(0, 300)}`)
      ids.push((r.json() as { id: string }).id)
      if (i % 500 === 499) process.stdout.write(`\r  ${i + 1} monitors`)
    }
    const monitorSeconds = round((performance.now() - t0) / 1000)
    process.stdout.write(`\r  ${N} monitors created through the API in ${monitorSeconds} s\n`)

    const h = sqliteHandle(deps.database.db)
    if (!h) throw new Error('bench:web seeds SQLite only')
    const mkeys: number[] = []
    const skeys: number[] = []
    for (let i = 0; i < ids.length; i += 1000) {
      const mk = await deps.repos.series.monitorKeys(ids.slice(i, i + 1000))
      const sk = await deps.repos.series.seriesKeys([...mk.values()], probe.id, 0, now)
      for (const id of ids.slice(i, i + 1000)) {
        mkeys.push(mk.get(id)!)
        skeys.push(sk.get(mk.get(id)!)!)
      }
    }

    // History: hourly/daily rollups and consensus from synthetic hours, then raw results.
    const t1 = performance.now()
    const rawFrom = Math.floor((now - RAW_HOURS * HOUR_MS) / HOUR_MS) * HOUR_MS
    const from = Math.floor((now - DAYS * DAY_MS) / HOUR_MS) * HOUR_MS
    // 24 hour variants per latency class, used in turn: every whole day holds each variant once,
    // so a whole day's rollup is the same merged template for its class (no merging per row).
    const VARIANTS = 24
    const BASES = 17
    const templates = Array.from({ length: BASES }, (_, b) =>
      Array.from({ length: VARIANTS }, () => hourTemplate(20 + b * 15)),
    )
    const dayTemplates = templates.map((variants) => {
      const acc = newAcc()
      const minutes = newCounts()
      for (const v of variants) {
        mergeAcc(acc, v.acc)
        minutes.up += v.minutes.up
        minutes.degraded += v.minutes.degraded
        minutes.down += v.minutes.down
      }
      return { acc, hist: Buffer.from(encode(acc.hist)), minutes }
    })
    const ins = (table: string) =>
      h.prepare(`insert into ${table} (${ROLLUP_COLS.join(', ')}) values (${ROLLUP_COLS.map(() => '?').join(', ')})`)
    const ins1m = ins('ts_rollup_1m')
    const ins1h = ins('ts_rollup_1h')
    const ins1d = ins('ts_rollup_1d')
    const insC = (tier: '1h' | '1d') =>
      h.prepare(
        `insert into ts_consensus_${tier} (mkey, net, bucket, up, degraded, down, maint) values (?, 0, ?, ?, ?, ?, 0)`,
      )
    const insC1h = insC('1h')
    const insC1d = insC('1d')
    const insC1m = h.prepare('insert into ts_consensus_1m (mkey, net, bucket, state) values (?, 0, ?, ?)')
    const insRaw = h.prepare('insert into ts_results (at, skey, lat, code, tm) values (?, ?, ?, ?, ?)')
    const insState = h.prepare(
      `insert into monitor_state (monitor_id, status, status_since, last_checked_at, last_latency_ms, flapping, scope)
       values (?, ?, ?, ?, ?, 0, null)
       on conflict (monitor_id) do update set status = excluded.status, status_since = excluded.status_since,
         last_checked_at = excluded.last_checked_at, last_latency_ms = excluded.last_latency_ms`,
    )
    const rows: Record<string, number> = {
      ts_results: 0,
      ts_rollup_1m: 0,
      ts_rollup_1h: 0,
      ts_rollup_1d: 0,
      ts_consensus_1m: 0,
      ts_consensus_1h: 0,
      ts_consensus_1d: 0,
    }
    const CHUNK = 250
    for (let c = 0; c < ids.length; c += CHUNK) {
      h.transaction(() => {
        for (let i = c; i < Math.min(ids.length, c + CHUNK); i++) {
          const skey = skeys[i]!
          const mkey = mkeys[i]!
          const base = 20 + (i % BASES) * 15
          const days = new Map<number, { acc: RollupAcc; minutes: MinuteCounts }>()
          const day = (at: number) => {
            const bucket = Math.floor(at / DAY_MS) * DAY_MS
            let d = days.get(bucket)
            if (!d) {
              d = { acc: newAcc(), minutes: newCounts() }
              days.set(bucket, d)
            }
            return d
          }
          const addMinutes = (into: MinuteCounts, m: MinuteCounts) => {
            into.up += m.up
            into.degraded += m.degraded
            into.down += m.down
          }
          const wholeDays = new Set<number>()
          for (let at = from, k = i; at < rawFrom; at += HOUR_MS, k++) {
            const tpl = templates[i % BASES]![k % VARIANTS]!
            const bucket = at / MINUTE_MS
            ins1h.run(rollupParams(skey, bucket, tpl.acc, tpl.hist))
            insC1h.run(mkey, bucket, tpl.minutes.up, tpl.minutes.degraded, tpl.minutes.down)
            const dayStart = Math.floor(at / DAY_MS) * DAY_MS
            if (dayStart >= from && dayStart + DAY_MS <= rawFrom) wholeDays.add(dayStart)
            else {
              const d = day(at)
              mergeAcc(d.acc, tpl.acc)
              addMinutes(d.minutes, tpl.minutes)
            }
            rows.ts_rollup_1h!++
            rows.ts_consensus_1h!++
          }
          const whole = dayTemplates[i % BASES]!
          for (const at of wholeDays) {
            ins1d.run(rollupParams(skey, at / MINUTE_MS, whole.acc, whole.hist))
            insC1d.run(mkey, at / MINUTE_MS, whole.minutes.up, whole.minutes.degraded, whole.minutes.down)
            rows.ts_rollup_1d!++
            rows.ts_consensus_1d!++
          }
          // The raw part: one check a minute, its minute rollup and consensus minute.
          const offset = (skey * 7919) % MINUTE_MS
          const hours = new Map<number, { acc: RollupAcc; minutes: MinuteCounts }>()
          let last = { status: 0 as StatusCode, at: 0, lat: 0 }
          for (let minute = rawFrom; minute + offset < now; minute += MINUTE_MS) {
            const at = minute + offset
            const status = statusOf()
            const lat = status === 2 ? 10_000 : latencyMs(base)
            const tm = status === 2 ? null : packTimings(timingsOf(lat))
            insRaw.run(
              at,
              skey,
              toTenths(lat),
              packCode(status, false, status === 2 ? 503 : 200),
              tm && Buffer.from(tm),
            )
            const acc = newAcc()
            const t = timingsOf(lat)
            const point = {
              status,
              maintenance: false,
              lat: toTenths(lat),
              phases:
                status === 2
                  ? null
                  : [t.dns_ms, t.connect_ms, t.tls_ms, t.ttfb_ms, t.transfer_ms].map((v) => toTenths(v)),
            }
            addPoint(acc, point)
            ins1m.run(rollupParams(skey, minute / MINUTE_MS, acc, Buffer.from(encode(acc.hist))))
            insC1m.run(mkey, minute / MINUTE_MS, status === 0 ? 3 : status === 1 ? 2 : 1)
            const hourBucket = Math.floor(minute / HOUR_MS) * HOUR_MS
            let hr = hours.get(hourBucket)
            if (!hr) {
              hr = { acc: newAcc(), minutes: newCounts() }
              hours.set(hourBucket, hr)
            }
            addPoint(hr.acc, point)
            hr.minutes[status === 0 ? 'up' : status === 1 ? 'degraded' : 'down']++
            const d = day(minute)
            addPoint(d.acc, point)
            d.minutes[status === 0 ? 'up' : status === 1 ? 'degraded' : 'down']++
            rows.ts_results!++
            rows.ts_rollup_1m!++
            rows.ts_consensus_1m!++
            last = { status, at, lat }
          }
          for (const [at, hr] of hours) {
            ins1h.run(rollupParams(skey, at / MINUTE_MS, hr.acc, Buffer.from(encode(hr.acc.hist))))
            insC1h.run(mkey, at / MINUTE_MS, hr.minutes.up, hr.minutes.degraded, hr.minutes.down)
            rows.ts_rollup_1h!++
            rows.ts_consensus_1h!++
          }
          for (const [at, d] of days) {
            ins1d.run(rollupParams(skey, at / MINUTE_MS, d.acc, Buffer.from(encode(d.acc.hist))))
            insC1d.run(mkey, at / MINUTE_MS, d.minutes.up, d.minutes.degraded, d.minutes.down)
            rows.ts_rollup_1d!++
            rows.ts_consensus_1d!++
          }
          // Every 50th monitor is down right now, every 20th degraded: the list has some colour.
          const status = i % 50 === 7 ? 'down' : i % 20 === 3 ? 'degraded' : ['up', 'degraded', 'down'][last.status]!
          insState.run(ids[i]!, status, rawFrom, last.at, last.lat)
        }
      })()
      process.stdout.write(`\r  history: ${Math.min(ids.length, c + CHUNK)} / ${ids.length} monitors`)
    }
    const historySeconds = round((performance.now() - t1) / 1000)
    process.stdout.write(`\n`)
    return {
      monitors: N,
      probes: 1,
      rows,
      seconds: { monitors: monitorSeconds, history: historySeconds },
      rawFrom: new Date(rawFrom).toISOString(),
      historyFrom: new Date(from).toISOString(),
    }
  } finally {
    await app.close()
    await deps.database.close()
  }
}

// ── measuring ────────────────────────────────────────────────────────────────────────────────

interface Timing {
  name: string
  url: string
  requests: number
  p50: number
  p95: number
  /** CPU time of this process per request (less sensitive than wall time to a loaded machine). */
  cpuP50: number
  cpuP95: number
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples?: number[]
  timeDeltas?: number[]
}
/** Self time per function and per script of a V8 CPU profile, largest first. */
function printProfile(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const fn = new Map<string, number>()
  const script = new Map<string, number>()
  const samples = profile.samples ?? []
  samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame
    const dt = (profile.timeDeltas?.[i] ?? 0) / 1000
    if (!frame) return
    const file = frame.url ? new URL(frame.url, 'http://x').pathname : `(${frame.functionName || 'native'})`
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`
    fn.set(key, (fn.get(key) ?? 0) + dt)
    script.set(file, (script.get(file) ?? 0) + dt)
  })
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `      ${round(v).toString().padStart(7)} ms  ${k.slice(0, 100)}`)
  console.log('    main-thread self time by script:', ...top(script, 12).map((l) => `\n${l}`))
  console.log('    by function:', ...top(fn, 45).map((l) => `\n${l}`))
}

type Waterfall = { name: string; start: number; end: number }[]

async function main(): Promise<void> {
  console.log(`bench:web (load average ${load()}, ${cpus().length} CPUs)`)
  if (!existsSync(join(DIST, 'index.html'))) {
    console.log('  no web build: npm run build -w @whatisup/web')
    const r = spawnSync('npm', ['run', 'build', '-w', '@whatisup/web'], { cwd: ROOT, stdio: 'inherit' })
    if (r.status !== 0) throw new Error('web build failed')
  }
  const js = initialJs()

  const dir = mkdtempSync(join(tmpdir(), 'wiu-bench-web-'))
  try {
    console.log(
      `seeding ${N} monitors × 1 probe × ${DAYS} days (raw results for the last ${RAW_HOURS} h, rollups before)…`,
    )
    const seeded = await seed(dir)
    console.log(
      `  ${Object.entries(seeded.rows)
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')}`,
    )

    // A fresh app on the seeded database: no cache warmed by the seeding.
    const deps = await openDeps(dir)
    const app = await buildApp(deps)
    /** Server-side time of each request of the traced load (url → ms), to set against the browser's view. */
    const serverMs = new Map<string, number>()
    app.addHook('onResponse', async (req, reply) => {
      serverMs.set(req.url, reply.elapsedTime)
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    const browser = await launchBrowser()
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'bench', password: PASSWORD },
      })
      const pair = login.json() as { access_token: string; refresh_token: string }
      const headers = { authorization: `Bearer ${pair.access_token}` }

      /** One cold page load: a new context (empty cache), signed in, /monitors until rows are drawn. */
      async function pageLoad(dataUrls?: string[], waterfall?: Waterfall): Promise<number> {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
        await context.addInitScript((p) => {
          localStorage.setItem('whatisup.access_token', p.access_token)
          localStorage.setItem('whatisup.refresh_token', p.refresh_token)
        }, pair)
        const page = await context.newPage()
        const cdp = waterfall && flags.profile ? await context.newCDPSession(page) : null
        if (cdp) {
          await cdp.send('Profiler.enable')
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
          await cdp.send('Profiler.start')
        }
        const errors: string[] = []
        page.on('pageerror', (e) => errors.push(e.message))
        page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined))
        if (dataUrls)
          page.on('request', (r) => {
            const u = new URL(r.url())
            if (u.pathname === '/api/v1/monitors' || u.pathname === '/api/v1/analytics/monitors')
              dataUrls.push(u.pathname + u.search)
          })
        try {
          await page.goto(`${baseUrl}/monitors`, { waitUntil: 'commit' })
          const handle = await page
            .waitForFunction(
              () => (document.querySelector('[data-testid="monitor-row"]') ? performance.now() : false),
              undefined,
              { polling: 'raf', timeout: 60_000 },
            )
            .catch((err: Error) => {
              throw new Error(`no monitor row drawn (${err.message}); page errors: ${errors.join(' | ') || 'none'}`)
            })
          const ms = (await handle.jsonValue()) as number
          if (cdp) printProfile((await cdp.send('Profiler.stop')).profile)
          if (waterfall)
            waterfall.push(
              ...(await page.evaluate(() => {
                const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined
                const marks = nav
                  ? [
                      { name: '(document response end)', start: nav.requestStart, end: nav.responseEnd },
                      { name: '(DOMContentLoaded)', start: nav.domInteractive, end: nav.domContentLoadedEventEnd },
                    ]
                  : []
                const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(
                  (r) => ({
                    name: new URL(r.name).pathname + new URL(r.name).search,
                    start: r.startTime,
                    end: r.responseEnd,
                  }),
                )
                return [...marks, ...resources]
              })),
            )
          // The statistics (uptime, sparkline) are part of the page's data: let them land too.
          if (dataUrls) await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined)
          return ms
        } finally {
          await context.close()
        }
      }

      // A first load shows which data requests the page makes.
      const dataUrls: string[] = []
      await pageLoad(dataUrls)
      const listUrl = dataUrls.find((u) => u.startsWith('/api/v1/monitors'))
      if (!listUrl) throw new Error('the monitors page made no /api/v1/monitors request')
      const statsUrl = dataUrls.find((u) => u.startsWith('/api/v1/analytics/monitors'))
      let statsFallback = false
      let stats = statsUrl
      if (!stats) {
        // The page does not ask for row statistics yet: measure the request it would make for its rows.
        statsFallback = true
        const page = (await app.inject({ method: 'GET', url: listUrl, headers })).json() as { id: string }[]
        stats = `/api/v1/analytics/monitors?ids=${page.map((m) => m.id).join(',')}`
      }

      async function measure(name: string, url: string): Promise<Timing> {
        const times: number[] = []
        const cpu: number[] = []
        const started = performance.now()
        for (let i = 0; i < REQUESTS && performance.now() - started < MAX_MS; i++) {
          const c0 = process.cpuUsage()
          const t0 = performance.now()
          const r = await app.inject({ method: 'GET', url, headers })
          times.push(performance.now() - t0)
          const c = process.cpuUsage(c0)
          cpu.push((c.user + c.system) / 1000)
          if (r.statusCode !== 200) throw new Error(`${name}: ${r.statusCode} ${r.body.slice(0, 200)}`)
        }
        return {
          name,
          url,
          requests: times.length,
          p50: round(pct(times, 0.5), 2),
          p95: round(pct(times, 0.95), 2),
          cpuP50: round(pct(cpu, 0.5), 2),
          cpuP95: round(pct(cpu, 0.95), 2),
        }
      }
      // The first page load above has already warmed what a user's first visit warms.
      const data = [
        await measure('monitors list, first page', listUrl),
        await measure('row statistics for that page', stats),
        // The filter options: not needed for the first rows, but the page asks for them at once.
        await measure('groups (filter options)', '/api/v1/groups'),
        await measure('tags (filter options)', '/api/v1/tags'),
      ]

      const loads: number[] = []
      const started = performance.now()
      while (loads.length < LOADS && performance.now() - started < MAX_MS) loads.push(await pageLoad())

      // One more load, traced: what a cold load waits for, in order (not part of the numbers).
      const waterfall: Waterfall = []
      serverMs.clear()
      const traced = await pageLoad(undefined, waterfall)

      const usable = {
        loads: loads.length,
        p50: round(pct(loads, 0.5)),
        p95: round(pct(loads, 0.95)),
        all: loads.map((l) => round(l)),
      }
      const dataP95 = Math.max(...data.map((d) => d.p95))
      const out = {
        when: new Date().toISOString(),
        machine: { cpus: cpus().length, load: loadavg().map((l) => round(l, 2)) },
        settings: { monitors: N, days: DAYS, rawHours: RAW_HOURS, requests: REQUESTS, loads: LOADS, probes: 1 },
        seeded,
        data: data.map((d) => ({ ...d, statsFallback: d.url === stats ? statsFallback : undefined })),
        usable,
        initialJs: { files: js.files, bytes: js.bytes, gzipBytes: js.gzip },
        targets: TARGETS,
        met: {
          data: dataP95 <= TARGETS.dataP95Ms,
          usable: usable.p95 <= TARGETS.usableP95Ms,
          initialJs: js.gzip / 1024 <= TARGETS.initialJsGzipKb,
        },
      }

      console.log(`\nresults (load average ${load()}):`)
      const line = (what: string, value: string, target: string, ok: boolean) =>
        console.log(
          `  ${what.padEnd(58)} ${value.padStart(26)}   target ${target.padEnd(10)} ${ok ? 'met' : 'NOT met'}`,
        )
      for (const d of data)
        line(
          `${d.name} (${d.requests} req, server-side)`,
          `p50 ${d.p50} / p95 ${d.p95} ms`,
          `p95 ≤ ${TARGETS.dataP95Ms} ms`,
          d.p95 <= TARGETS.dataP95Ms,
        )
      for (const d of data)
        console.log(
          `    GET ${d.url.slice(0, 90)}${d.url.length > 90 ? '…' : ''}  (CPU p50 ${d.cpuP50} / p95 ${d.cpuP95} ms)`,
        )
      if (statsFallback)
        console.log('    (the page did not request row statistics; the stats request for its rows was measured)')
      line(
        `page usable: navigation → first rows (${usable.loads} cold loads)`,
        `p50 ${usable.p50} / p95 ${usable.p95} ms`,
        `p95 ≤ ${TARGETS.usableP95Ms} ms`,
        out.met.usable,
      )
      line(
        `initial JavaScript (${js.files.length} files, gzip -9)`,
        `${round(js.gzip / 1024)} KB (${round(js.bytes / 1024)} KB raw)`,
        `≤ ${TARGETS.initialJsGzipKb} KB`,
        out.met.initialJs,
      )
      console.log(`\n  waterfall of one more cold load (first rows at ${round(traced)} ms):`)
      for (const w of waterfall.filter((w) => w.start <= traced).sort((a, b) => a.start - b.start))
        console.log(
          `    ${String(round(w.start)).padStart(7)} → ${String(round(w.end)).padStart(7)} ms  ${w.name.slice(0, 70)}${serverMs.has(w.name) ? `  (server ${round(serverMs.get(w.name) ?? 0)} ms)` : ''}`,
        )
      mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
      writeFileSync(resolve(ROOT, flags.out), `${JSON.stringify(out, null, 2)}\n`)
      console.log(`\nwritten to ${flags.out}`)
    } finally {
      await browser.close()
      await app.close()
      await deps.database.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
