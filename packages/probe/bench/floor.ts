/**
 * Where the probe's CPU per check goes, in three layers measured the same way (a client process
 * of its own at a fixed rate against the same target, whole-process CPU from /proc):
 *
 *   floor    plain `node:http(s)` GET with `agent: false` (the STACK.md floor)
 *   checker  the HTTP checker alone (`createCheckers().http.run`), no agent around it
 *   (agent)  the full probe: `npm run bench:probe`
 *
 *   node --import tsx packages/probe/bench/floor.ts [--rate=500] [--warmup=10] [--seconds=60] [--scheme=http|https]
 *        [--tick=10]       (pacing granularity in ms: 1 spreads starts evenly, like the probe)
 *        [--profile=DIR]   (CPU profile of the measured window only, per layer)
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { systemClock } from '@whatisup/shared'
import { createCheckers } from '../src/checkers/index.js'
import { makeTestCerts } from '../test/helpers/certs.js'
import { monitor } from '../test/helpers/monitor.js'
import { cpuMs, freePort, loadAverage, nginxPath, startNginx, startNodeTarget, waitForPort } from './procs.js'

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k = '', v = 'true'] = a.replace(/^--/, '').split('=')
    return [k, v]
  }),
) as Record<string, string | undefined>
const rate = Number(args.rate ?? 500)
const warmup = Number(args.warmup ?? 10)
const seconds = Number(args.seconds ?? 60)
/** Pacing granularity: 10 ms starts checks in small bursts; 1 ms spreads them like the scheduler. */
const tickMs = Number(args.tick ?? 10)

if (args.child) await client(args.child, args.url ?? '')
else await parent()

/** Runs checks at `rate`/s: warm-up, then prints `start`, measures, prints `end {json}`. */
async function client(mode: string, base: string): Promise<void> {
  const checker = createCheckers().http
  // Built once, as the agent holds its assignment: building a monitor parses its settings (zod).
  const monitors = Array.from({ length: 10_000 }, (_, n) =>
    monitor({ id: `m${n}`, url: `${base}/m/${n}`, timeout_seconds: 10 }),
  )
  let i = 0
  let down = 0
  let inflight = 0
  let latencies: number[] = []
  const one = async () => {
    const m = monitors[i++ % monitors.length]!
    const began = performance.now()
    inflight++
    if (mode === 'floor') {
      await new Promise<void>((resolve) => {
        const req = (m.url.startsWith('https') ? httpsRequest : httpRequest)(m.url, { agent: false }, (res) => {
          res.on('data', () => {})
          res.on('end', resolve)
        })
        req.on('error', () => {
          down++
          resolve()
        })
        req.end()
      })
    } else {
      const r = await checker.run({
        monitor: m,
        checkedAt: Date.now(),
        policy: { allowPrivate: true },
        clock: systemClock,
      })
      if (r.status !== 'up') down++
    }
    latencies.push(performance.now() - began)
    inflight--
  }
  const pace = async (s: number) => {
    const started = performance.now()
    let sent = 0
    while (performance.now() - started < s * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate)
      for (; sent < due; sent++) void one()
      await new Promise((r) => setTimeout(r, tickMs))
    }
    while (inflight > 0) await new Promise((r) => setTimeout(r, 10))
    return sent
  }
  const ctl = process.env.BENCH_PROFILE_CTL
  const profile = async (what: string) => {
    if (!ctl) return
    writeFileSync(ctl, what)
    await new Promise((r) => setTimeout(r, 500))
  }
  await pace(warmup)
  down = 0
  latencies = []
  const loop = monitorEventLoopDelay({ resolution: 5 })
  await profile('start')
  process.stdout.write('start\n')
  loop.enable()
  const checks = await pace(seconds)
  loop.disable()
  latencies.sort((a, b) => a - b)
  const at = (p: number) => Math.round((latencies[Math.floor(p * (latencies.length - 1))] ?? 0) * 10) / 10
  const wall = { latency_p50_ms: at(0.5), latency_p99_ms: at(0.99), loop_delay_p99_ms: loop.percentile(99) / 1e6 }
  process.stdout.write(`end ${JSON.stringify({ checks, down, ...wall })}\n`)
  await profile('stop')
}

async function parent(): Promise<void> {
  const scheme = args.scheme === 'https' ? 'https' : 'http'
  const certs = scheme === 'https' ? await makeTestCerts() : undefined
  const dir = mkdtempSync(join(tmpdir(), 'wiu-floor-'))
  const port = await freePort()
  const target = nginxPath() ? startNginx(dir, port, certs?.valid) : startNodeTarget(port, certs?.valid)
  if (!certs) await waitForPort(`http://127.0.0.1:${port}/`)
  else await new Promise((r) => setTimeout(r, 1000))
  const env: Record<string, string | undefined> = { ...process.env }
  if (certs) {
    writeFileSync(join(dir, 'ca.pem'), certs.ca)
    env.NODE_EXTRA_CA_CERTS = join(dir, 'ca.pem')
  }
  try {
    process.stderr.write(`target ${target.kind}; load average ${loadAverage().join(' ')}\n`)
    for (const mode of ['floor', 'checker']) {
      const profiling = args.profile
        ? {
            BENCH_PROFILE_CTL: join(dir, `${mode}.ctl`),
            BENCH_PROFILE_OUT: join(args.profile, `${scheme}-${mode}.cpuprofile`),
          }
        : {}
      if (args.profile) mkdirSync(args.profile, { recursive: true })
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          ...(args.profile ? ['--import', join(import.meta.dirname, 'profile-window.ts')] : []),
          import.meta.filename,
          ...process.argv.slice(2),
          `--child=${mode}`,
          `--url=${scheme}://127.0.0.1:${port}`,
        ],
        { env: { ...env, ...profiling }, stdio: ['ignore', 'pipe', 'inherit'] },
      )
      let cpu0 = 0
      const line = await new Promise<string>((resolve) => {
        let text = ''
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString()
          if (text.includes('start\n') && cpu0 === 0) cpu0 = cpuMs(child.pid!)
          const end = /end (\{.*\})\n/.exec(text)
          if (end) resolve(end[1]!)
        })
      })
      const cpu = cpuMs(child.pid!) - cpu0
      await new Promise((r) => setTimeout(r, args.profile ? 2000 : 0))
      child.kill()
      const r = JSON.parse(line) as { checks: number; down: number; latency_p50_ms: number; latency_p99_ms: number }
      const loopP99 = (JSON.parse(line) as { loop_delay_p99_ms: number }).loop_delay_p99_ms.toFixed(1)
      process.stdout.write(
        `${scheme} ${mode.padEnd(7)}: ${r.checks} checks at ${rate}/s, ${r.down} failed, ` +
          `${(cpu / r.checks).toFixed(3)} ms CPU per check; wall p50 ${r.latency_p50_ms} / p99 ${r.latency_p99_ms} ms, ` +
          `event-loop delay p99 ${loopP99} ms\n`,
      )
    }
  } finally {
    await target.stop()
    rmSync(dir, { recursive: true, force: true })
    await certs?.cleanup()
  }
}
