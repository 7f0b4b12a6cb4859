import { isIP } from 'node:net'
import type { TraceroutePayloadDto } from '@whatisup/shared'
import { allowedAddresses, type Collector, capRaw, DiagnosticError, roundMs } from './collector.js'
import { runTool } from './exec.js'

export interface TracerouteOptions {
  /** Tried in order; the first one installed runs. Default: traceroute, then tracepath (iputils). */
  tools?: readonly { path: string; tool: 'traceroute' | 'tracepath' }[]
}

const MAX_HOPS = 20
// Debian installs traceroute in /usr/sbin, which a service's PATH may leave out.
const DEFAULT_TOOLS = [
  { path: 'traceroute', tool: 'traceroute' },
  { path: '/usr/sbin/traceroute', tool: 'traceroute' },
  { path: 'tracepath', tool: 'tracepath' },
  { path: '/usr/sbin/tracepath', tool: 'tracepath' },
] as const

/**
 * The network path to the target's first allowed address through the system's `traceroute`
 * (`-n -q 1 -w 2 -m 20`, probes sent in parallel) or iputils' `tracepath`. Neither installed:
 * `binary_missing:traceroute`. At the deadline the hops printed so far are kept.
 */
export function tracerouteCollector(options: TracerouteOptions = {}): Collector<'traceroute'> {
  const tools = options.tools ?? DEFAULT_TOOLS
  return async ({ target, policy, signal }) => {
    const [address = ''] = await allowedAddresses(target.host, policy)
    const v6 = isIP(address) === 6
    for (const { path, tool } of tools) {
      const args =
        tool === 'traceroute'
          ? [v6 ? '-6' : '-4', '-n', '-q', '1', '-w', '2', '-m', String(MAX_HOPS), address]
          : [v6 ? '-6' : '-4', '-n', '-m', String(MAX_HOPS), address]
      const out = await runTool(path, args, signal)
      if (out.missing) continue
      const hops = tool === 'traceroute' ? parseTraceroute(out.stdout) : parseTracepath(out.stdout)
      if (hops.length === 0 && out.code !== 0 && !signal.aborted) {
        throw new Error(out.stderr.trim().split('\n')[0]?.slice(0, 200) || `${tool} exited with code ${out.code}`)
      }
      const payload: TraceroutePayloadDto = { tool, target_ip: address, hops, reached: hops.at(-1)?.ip === address }
      return { payload, raw: capRaw(out.stdout + out.stderr), error: null }
    }
    throw new DiagnosticError('binary_missing:traceroute')
  }
}

type Hop = TraceroutePayloadDto['hops'][number]
const IP_TOKEN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]+)$/i

/**
 * Hops from `traceroute -n -q 1` output: ` 3  192.0.2.1  4.211 ms`, or ` 4  *` for silence.
 *
 * @example
 * parseTraceroute(' 1  127.0.0.1  0.116 ms') // [{ n: 1, ip: '127.0.0.1', rtt_ms: 0.116 }]
 */
export function parseTraceroute(output: string): Hop[] {
  const hops: Hop[] = []
  for (const line of output.split('\n')) {
    const m = /^\s*(\d{1,3})\s+(.*)$/.exec(line)
    if (!m) continue
    const tokens = (m[2] ?? '').split(/\s+/)
    const ip = tokens.find((tok) => IP_TOKEN.test(tok)) ?? null
    const rtt = /([\d.]+)\s*ms/.exec(m[2] ?? '')
    hops.push({ n: Number(m[1]), ip, rtt_ms: rtt ? roundMs(Number(rtt[1])) : null })
  }
  return hops.slice(0, 64)
}

/**
 * Hops from `tracepath -n` output: ` 2:  192.0.2.1   4.211ms`, ` 3:  no reply`; the `1?:
 * [LOCALHOST]` MTU line is skipped and a hop printed twice keeps its answering line.
 *
 * @example
 * parseTracepath(' 1:  127.0.0.1   0.045ms reached') // [{ n: 1, ip: '127.0.0.1', rtt_ms: 0.045 }]
 */
export function parseTracepath(output: string): Hop[] {
  const byHop = new Map<number, Hop>()
  for (const line of output.split('\n')) {
    const m = /^\s*(\d{1,3})\??:\s+(\S+)(?:\s+([\d.]+)ms)?/.exec(line)
    if (!m || m[2] === '[LOCALHOST]') continue
    const n = Number(m[1])
    const ip = IP_TOKEN.test(m[2] ?? '') ? (m[2] ?? null) : null
    const hop: Hop = { n, ip, rtt_ms: m[3] ? roundMs(Number(m[3])) : null }
    if (!byHop.has(n) || (byHop.get(n)?.ip === null && ip !== null)) byHop.set(n, hop)
  }
  return [...byHop.values()].sort((a, b) => a.n - b.n).slice(0, 64)
}
