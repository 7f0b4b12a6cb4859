/**
 * The processes of the probe benchmark, each its own OS process so the probe's CPU can be read
 * alone from /proc: the target (Debian's nginx, else a Node server), the real WhatIsUp server,
 * and the probe exactly as `whatisup-probe` starts it.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AgentStats } from '../src/agent/stats.js'
import type { KeyPair } from '../test/helpers/certs.js'

export const ROOT = resolve(import.meta.dirname, '../../..')
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100

export interface Proc {
  child: ChildProcess
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const address = s.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

function started(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Proc {
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill(signal)
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
  }
}

export function nginxPath(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p))
}

/**
 * nginx answering 200 "ok" on every path, one worker per core: with TLS, OpenSSL 3.0's handshake
 * cost on the server side must not make the target the bottleneck of the probe's benchmark.
 */
export function startNginx(dir: string, port: number, tls?: KeyPair): Proc & { kind: string } {
  mkdirSync(join(dir, 'logs'), { recursive: true })
  if (tls) {
    writeFileSync(join(dir, 'cert.pem'), tls.cert)
    writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 })
  }
  const listen = tls
    ? `listen 127.0.0.1:${port} ssl; ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem; ssl_protocols TLSv1.2 TLSv1.3;`
    : `listen 127.0.0.1:${port};`
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log crit;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { ${listen} location / { default_type text/plain; return 200 "ok\\n"; } }
}
`,
  )
  const child = spawn(nginxPath()!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: 'ignore',
  })
  return { ...started(child, 'SIGQUIT'), kind: `nginx (Debian ${nginxVersion()}), ${cpus().length} workers` }
}

function nginxVersion(): string {
  // `nginx -v` answers on stderr.
  return spawnSync(nginxPath()!, ['-v'])
    .stderr.toString()
    .trim()
    .replace(/^nginx version: nginx\//, '')
}

/** The fallback target: a separate Node process answering 200 with keep-alive off. */
export function startNodeTarget(port: number, tls?: KeyPair): Proc & { kind: string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'target-node.ts')], {
    env: { ...process.env, BENCH_PORT: String(port), BENCH_TLS: tls ? JSON.stringify(tls) : '' },
    stdio: 'ignore',
  })
  return { ...started(child), kind: 'node:http(s) server, keep-alive off' }
}

export async function waitForPort(url: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status < 500) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

export interface ServerProc extends Proc {
  baseUrl: string
  adminPassword: string
  dataDir: string
}

/**
 * The real server (`packages/server/src/main.ts`) on a fresh SQLite data dir, embedded probe off.
 * `root` is the checkout it runs from: the repository itself, or another one (a clean export of a
 * commit, with its own `node_modules`) when the working tree's server is mid-change.
 */
export async function startServer(root = ROOT): Promise<ServerProc> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wiu-bench-server-'))
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      EMBEDDED_PROBE: 'false',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const baseUrl = `http://127.0.0.1:${port}`
  const proc = started(child)
  // Start-up compiles the server's sources (tsx): minutes on a loaded machine with a cold cache.
  await waitForPort(`${baseUrl}/api/health`, 300_000).catch(async (error: unknown) => {
    await proc.stop()
    throw error
  })
  return {
    ...proc,
    baseUrl,
    dataDir,
    adminPassword: readFileSync(join(dataDir, 'ADMIN_PASSWORD'), 'utf8').trim(),
    stop: async () => {
      await proc.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface ProbeProc extends Proc {
  pid: number
  /** Asks the agent for its counters (SIGUSR2) and waits for the log line carrying them. */
  stats(): Promise<AgentStats>
  logs: string[]
}

/** The probe as an operator runs it: `bin/whatisup-probe.js` (tsx, no build), its own process. */
export function startProbe(opts: {
  baseUrl: string
  apiKey: string
  extraCa?: string
  nodeFlags?: string[]
  env?: Record<string, string>
}): ProbeProc & { dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'wiu-bench-probe-'))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    CENTRAL_API_URL: opts.baseUrl,
    PROBE_API_KEY: opts.apiKey,
    PROBE_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...opts.env,
  }
  if (opts.extraCa) {
    writeFileSync(join(dataDir, 'bench-ca.pem'), opts.extraCa)
    env.NODE_EXTRA_CA_CERTS = join(dataDir, 'bench-ca.pem')
  }
  const child = spawn(
    process.execPath,
    [...(opts.nodeFlags ?? []), join(ROOT, 'packages/probe/bin/whatisup-probe.js')],
    { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const logs: string[] = []
  const waiting: Array<(s: AgentStats) => void> = []
  let partial = ''
  // SIGUSR2 before main.ts installed its handler would kill the process: wait for the start line.
  let markReady!: () => void
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve
    child.once('exit', (code, signal) => reject(new Error(`the probe exited (${code ?? signal}) before it started`)))
  })
  ready.catch(() => {}) // reported to whoever asks for stats
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.includes('"probe stats"')) {
        if (line.includes('"probe agent started"')) markReady()
        if (logs.length < 1000) logs.push(line)
        continue
      }
      const { stats } = JSON.parse(line) as { stats: AgentStats }
      for (const w of waiting.splice(0)) w(stats)
    }
  })
  const proc = started(child)
  return {
    ...proc,
    pid: child.pid ?? 0,
    dataDir,
    logs,
    stats: async () => {
      await ready
      return new Promise((resolve, reject) => {
        // Asked again each second: a signal during the agent's start-up is ignored.
        const again = setInterval(() => child.kill('SIGUSR2'), 1000)
        // A probe starved of CPU (loaded machine, profiler on) can take a while to get to the signal.
        const timer = setTimeout(() => {
          clearInterval(again)
          reject(new Error('no stats from the probe within 30 s'))
        }, 30_000)
        waiting.push((s) => {
          clearTimeout(timer)
          clearInterval(again)
          resolve(s)
        })
        child.kill('SIGUSR2')
      })
    },
    stop: async () => {
      await proc.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** user + system CPU of a process so far, in ms (whole process: every thread, kernel work included). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the `(comm)`, which may itself contain spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
}

/** Busy share of the whole machine (all cores) between two calls: how noisy the run was. */
export function machineBusy(): () => number {
  const read = () => {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number)
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0)
    const total = cpu.reduce((a, b) => a + b, 0)
    return { idle, total }
  }
  const a = read()
  return () => {
    const b = read()
    const total = b.total - a.total
    return total > 0 ? 1 - (b.idle - a.idle) / total : 0
  }
}
