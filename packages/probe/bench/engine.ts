/**
 * Probe engine benchmark (`npm run bench:probe`): N HTTP(S) monitors at a 20 s interval, run by a
 * real probe process against a local target, reporting the probe process alone.
 *
 *   npm run bench:probe -- [--runs=http:1000,http:10000,https:2000,https:10000] [--interval=20]
 *                          [--warmup=60] [--sample=120] [--target=auto|nginx|node]
 *                          [--out=bench/results/probe.json] [--profile=DIR] [--server-root=DIR]
 *
 * Prints a table and writes the JSON. `--profile=DIR` CPU-profiles the probe over the sample
 * window (slower: use it for a separate run, not for the reported numbers); summarise the file
 * with `profile-top.ts`. `--server-root=DIR` runs the server from another checkout (see
 * `startServer`); the probe always runs from this one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { diffCounts, percentileOf } from '../src/agent/histogram.js'
import { phaseOf } from '../src/agent/phase.js'
import type { AgentStats } from '../src/agent/stats.js'
import { makeTestCerts } from '../test/helpers/certs.js'
import { createMonitors, setUpProbe } from './api.js'
import {
  cpuMs,
  freePort,
  loadAverage,
  machineBusy,
  nginxPath,
  type ProbeProc,
  ROOT,
  rssMb,
  startNginx,
  startNodeTarget,
  startProbe,
  startServer,
  waitForPort,
} from './procs.js'

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k = '', v = 'true'] = a.replace(/^--/, '').split('=')
    return [k, v]
  }),
) as Record<string, string | undefined>
const runs = (args.runs ?? 'http:1000,http:10000,https:2000,https:10000').split(',').map((r) => {
  const [scheme, n] = r.split(':')
  if ((scheme !== 'http' && scheme !== 'https') || !Number(n)) throw new Error(`bad run "${r}" (http:1000)`)
  return { scheme, monitors: Number(n) } as const
})
const intervalS = Number(args.interval ?? 20)
const warmupS = Number(args.warmup ?? 60)
const sampleS = Number(args.sample ?? 120)
const useNginx = args.target === 'nginx' || (args.target !== 'node' && nginxPath() !== undefined)
const out = resolve(ROOT, args.out ?? 'bench/results/probe.json')
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000))

export interface RunResult {
  scheme: 'http' | 'https'
  monitors: number
  interval_s: number
  warmup_s: number
  sample_s: number
  expected_checks_per_s: number
  observed_checks_per_s: number
  fidelity_pct: number
  runs_owed: number
  runs_on_schedule: number
  checks: number
  skipped_ticks: number
  cpu_ms_per_check: number
  probe_cpu_pct_of_one_core: number
  rss_mb_max: number
  heap_used_mb_end: number
  lag_p50_ms: number | null
  lag_p99_ms: number | null
  errors: { down_results: number; backstopped: number; undelivered_at_end: number; upload_mode: string }
  context: {
    target: string
    server_cpu_pct: number
    machine_busy_pct: number
    load_avg_start: number[]
    load_avg_end: number[]
  }
}

async function benchRun(scheme: 'http' | 'https', monitors: number): Promise<RunResult> {
  const certs = scheme === 'https' ? await makeTestCerts() : undefined
  const port = await freePort()
  const targetDir = mkdtempSync(join(tmpdir(), 'wiu-bench-target-'))
  const target = useNginx ? startNginx(targetDir, port, certs?.valid) : startNodeTarget(port, certs?.valid)
  const server = await startServer(args['server-root'] ? resolve(args['server-root']) : undefined).catch(
    async (error: unknown) => {
      await target.stop()
      throw error
    },
  )
  let probe: ProbeProc | undefined
  try {
    if (!certs) await waitForPort(`http://127.0.0.1:${port}/`)
    const { apiKey, token } = await setUpProbe(server.baseUrl, server.adminPassword)
    const base = `${scheme}://127.0.0.1:${port}`
    const created = await createMonitors(server.baseUrl, token, monitors, intervalS, base)
    log(`${scheme} × ${monitors}: monitors created in ${created.seconds.toFixed(0)} s; starting the probe`)
    // Profiling covers the sample window only (see profile-window.ts), not start-up and warm-up.
    const ctl = join(targetDir, 'profile.ctl')
    // The probe runs in its data dir: tsx is named by its resolved path, not looked up from there.
    const tsx = import.meta.resolve('tsx')
    const nodeFlags = args.profile ? ['--import', tsx, '--import', join(import.meta.dirname, 'profile-window.ts')] : []
    const env: Record<string, string> = args.profile
      ? {
          BENCH_PROFILE_CTL: ctl,
          BENCH_PROFILE_OUT: join(resolve(args.profile), `probe-${scheme}-${monitors}.cpuprofile`),
        }
      : {}
    if (args.profile) mkdirSync(resolve(args.profile), { recursive: true })
    probe = startProbe({ baseUrl: server.baseUrl, apiKey, nodeFlags, env, ...(certs ? { extraCa: certs.ca } : {}) })
    await until(async () => (await probe!.stats()).monitors === monitors, 180)
    log(`assignment received; warm-up ${warmupS} s, then sampling ${sampleS} s`)
    await sleep(warmupS)

    const busy = machineBusy()
    const loadStart = loadAverage()
    if (args.profile) writeFileSync(ctl, 'start')
    const s0 = await probe.stats()
    const cpu0 = cpuMs(probe.pid)
    const server0 = cpuMs(server.child.pid!)
    let rssMax = rssMb(probe.pid)
    const rssTimer = setInterval(() => {
      rssMax = Math.max(rssMax, rssMb(probe!.pid))
    }, 1000)
    await sleep(sampleS)
    clearInterval(rssTimer)
    const s1 = await probe.stats()
    if (args.profile) {
      writeFileSync(ctl, 'stop')
      await sleep(3)
    }
    const cpu1 = cpuMs(probe.pid)
    const server1 = cpuMs(server.child.pid!)
    rssMax = Math.max(rssMax, rssMb(probe.pid))
    return summarize(scheme, created.ids, s0, s1, cpu1 - cpu0, rssMax, {
      target: target.kind,
      server_cpu_pct: round(((server1 - server0) / (s1.at - s0.at)) * 100, 1),
      machine_busy_pct: round(busy() * 100, 1),
      load_avg_start: loadStart,
      load_avg_end: loadAverage(),
    })
  } catch (error) {
    if (probe)
      log(
        `probe exit ${probe.child.exitCode ?? probe.child.signalCode}; last logs:\n${probe.logs.slice(-20).join('\n')}`,
      )
    throw error
  } finally {
    await probe?.stop()
    await server.stop()
    await target.stop()
    rmSync(targetDir, { recursive: true, force: true })
    await certs?.cleanup()
  }
}

/**
 * Grid points of every monitor with a due time in (from, to]: exactly the runs the schedule owes
 * for that span (phase = hash(id) mod interval, as the agent computes it).
 */
function owedRuns(ids: readonly string[], from: number, to: number): number {
  const interval = intervalS * 1000
  let owed = 0
  for (const id of ids) {
    const phase = phaseOf(id, interval)
    owed += Math.floor((to - phase) / interval) - Math.floor((from - phase) / interval)
  }
  return owed
}

function summarize(
  scheme: 'http' | 'https',
  ids: readonly string[],
  s0: AgentStats,
  s1: AgentStats,
  cpu: number,
  rssMax: number,
  context: RunResult['context'],
): RunResult {
  const monitors = ids.length
  const seconds = (s1.at - s0.at) / 1000
  const completed = s1.checksCompleted - s0.checksCompleted
  const lag = diffCounts(s1.lagHistogram, s0.lagHistogram)
  // Fidelity on due times: runs owed between the last ticks handled at each snapshot, against the
  // ticks that became runs (not skipped) — a late snapshot cannot make runs look missing.
  const owed = owedRuns(ids, s0.lastDueAt ?? s0.at, s1.lastDueAt ?? s1.at)
  const ran = s1.ticks - s0.ticks - (s1.checksSkipped - s0.checksSkipped)
  return {
    scheme,
    monitors,
    interval_s: intervalS,
    warmup_s: warmupS,
    sample_s: round(seconds, 1),
    expected_checks_per_s: round(monitors / intervalS, 2),
    observed_checks_per_s: round(completed / seconds, 2),
    fidelity_pct: round((ran / owed) * 100, 3),
    runs_owed: owed,
    runs_on_schedule: ran,
    checks: completed,
    skipped_ticks: s1.checksSkipped - s0.checksSkipped,
    cpu_ms_per_check: round(cpu / completed, 3),
    probe_cpu_pct_of_one_core: round((cpu / (seconds * 1000)) * 100, 1),
    rss_mb_max: round(rssMax, 1),
    heap_used_mb_end: s1.memory.heapUsedMb,
    lag_p50_ms: percentileOf(lag, 0.5) ?? null,
    lag_p99_ms: percentileOf(lag, 0.99) ?? null,
    errors: {
      down_results: s1.results.down - s0.results.down,
      backstopped: s1.checksBackstopped - s0.checksBackstopped,
      undelivered_at_end: s1.pendingResults,
      upload_mode: s1.uploadMode,
    },
    context,
  }
}

async function until(ok: () => Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('the probe did not receive its assignment in time')
    await sleep(1)
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)

function table(results: RunResult[]): string {
  const head =
    '| target | monitors @ interval | checks/s expected → observed | fidelity | skipped | CPU ms/check | probe CPU | RSS max | lag p50 / p99 | down |'
  const rows = results.map(
    (r) =>
      `| ${r.scheme} | ${r.monitors} @ ${r.interval_s} s | ${r.expected_checks_per_s} → ${r.observed_checks_per_s} | ` +
      `${r.fidelity_pct} % | ${r.skipped_ticks} | ${r.cpu_ms_per_check} | ${r.probe_cpu_pct_of_one_core} % | ` +
      `${r.rss_mb_max} MB | ${r.lag_p50_ms} / ${r.lag_p99_ms} ms | ${r.errors.down_results} |`,
  )
  return [head, `|${'---|'.repeat(10)}`, ...rows].join('\n')
}

function machine() {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    memory_gb: round(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1048576, 1),
  }
}

const results: RunResult[] = []
const write = () => {
  mkdirSync(dirname(out), { recursive: true })
  const command = `npm run bench:probe -- ${process.argv.slice(2).join(' ')}`.trim()
  writeFileSync(
    out,
    `${JSON.stringify({ command, date: new Date().toISOString(), machine: machine(), results }, null, 2)}\n`,
  )
}
log(`machine: ${JSON.stringify(machine())}, load average ${loadAverage().join(' ')}`)
for (const run of runs) {
  results.push(await benchRun(run.scheme, run.monitors))
  write()
  log(`done: ${JSON.stringify(results.at(-1))}`)
}
process.stdout.write(`${table(results)}\n\nwritten to ${out}\n`)
