import { execFile } from 'node:child_process'
import { isIP } from 'node:net'
import { conditionCompiler } from './conditions.js'
import { familyOf, resolveAllowed } from './connect.js'
import { type PingStats, parsePingOutput } from './ping-output.js'
import { type Outcome, runCheck } from './run.js'
import { PhaseError, round, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'

export interface PingCheckerOptions {
  /** The ping executable (iputils). Default: `ping` from PATH. */
  pingPath?: string
}

/** The shortest interval iputils lets an unprivileged user ask for. */
const INTERVAL_S = 0.2
/** A host as the settings schema allows it; re-checked because it becomes a process argument. */
const SAFE_HOST = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/

/**
 * Ping check through the system's `ping` (ICMP needs privileges Node does not have): run with
 * `execFile` (no shell) against the already resolved and policy-checked address, `-c count`,
 * 0.2 s apart, `-W` sized so the run ends before the check's deadline. 100 % loss is down, partial
 * loss at or above `degraded_loss_percent` is degraded. `latency_ms` is the average RTT.
 *
 * Details: `address`, `transmitted`, `received`, `packet_loss`, `rtt_min`, `rtt_avg`, `rtt_max`,
 * `rtt_mdev`. Placeholders: `[PACKET_LOSS]` (percent), `[RTT_AVG]`, `[RTT_MAX]` (ms).
 */
export function createPingChecker(options: PingCheckerOptions = {}): Checker<'ping'> {
  const command = options.pingPath ?? 'ping'
  const conditionsOf = conditionCompiler('ping')
  return { run: (ctx) => runCheck(ctx, conditionsOf(ctx.monitor), (trace) => check(ctx, trace, command)) }
}

async function check(ctx: CheckContext<'ping'>, trace: Trace, command: string): Promise<Outcome> {
  const m = ctx.monitor
  if (!SAFE_HOST.test(m.host)) throw new PhaseError('config', `"${m.host.slice(0, 100)}" is not a host name or IP`)
  const [address] = await resolveAllowed(m.host, familyOf(m.ip_family), ctx.policy, trace)
  if (!address) throw new PhaseError('dns', `no address for ${m.host}`)
  trace.remoteAddress = address
  trace.phase = 'response'
  const output = await runPing(command, pingArgs(m, address), trace)
  const stats = parsePingOutput(output.stdout)
  if (!stats) {
    const why = output.stderr.trim().split('\n')[0] || `ping exited with code ${output.code}`
    throw new PhaseError('connect', why.slice(0, 300))
  }
  return judge(m, address, stats)
}

/** Per-reply wait: whatever is left of the deadline after the sends, so ping ends on its own first. */
export function pingArgs(m: ProbeMonitor<'ping'>, address: string): string[] {
  const sending = (m.count - 1) * INTERVAL_S
  const wait = Math.max(0.2, Math.min(10, m.timeout_seconds - sending - 0.3))
  const family = isIP(address) === 6 ? '-6' : '-4'
  return [family, '-n', '-c', String(m.count), '-i', String(INTERVAL_S), '-W', wait.toFixed(1), address]
}

function judge(m: ProbeMonitor<'ping'>, address: string, s: PingStats): Outcome {
  const lost = s.transmitted - s.received
  const details: Record<string, unknown> = {
    address,
    transmitted: s.transmitted,
    received: s.received,
    packet_loss: s.loss,
  }
  if (s.rttAvg !== undefined) {
    Object.assign(details, { rtt_min: s.rttMin, rtt_avg: s.rttAvg, rtt_max: s.rttMax })
    if (s.rttMdev !== undefined) details.rtt_mdev = s.rttMdev
  }
  const outcome: Outcome = {
    details,
    facts: {
      connected: s.received > 0,
      responseTimeMs: s.rttAvg,
      values: { PACKET_LOSS: s.loss, RTT_AVG: s.rttAvg, RTT_MAX: s.rttMax },
    },
    latencyMs: s.rttAvg,
  }
  const loss = `${round(s.loss)}% packet loss (${lost} of ${s.transmitted} lost)`
  if (s.received === 0) outcome.failure = new PhaseError('connect', `no reply from ${address}: ${loss}`)
  else if (s.loss > 0 && s.loss >= m.degraded_loss_percent) outcome.degraded = new PhaseError('response', loss)
  return outcome
}

interface PingOutput {
  stdout: string
  stderr: string
  code: number | string | null
}

/** The summary is parsed, so ping must speak English whatever the probe's locale. */
const PING_ENV = { ...process.env, LC_ALL: 'C' }

function runPing(command: string, args: string[], trace: Trace): Promise<PingOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 256 * 1024, env: PING_ENV }, (e, stdout, stderr) => {
      const code = (e as (NodeJS.ErrnoException & { code?: number | string }) | null)?.code ?? 0
      if (code === 'ENOENT') return reject(new PhaseError('config', `"${command}" is not installed on this probe`))
      // Exit 1 is "some or all packets lost" and still prints the summary: the output decides.
      resolve({ stdout, stderr, code })
    })
    trace.scope.onAbort(() => child.kill('SIGKILL'))
  })
}
