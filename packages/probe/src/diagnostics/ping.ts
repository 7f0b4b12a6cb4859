import { isIP } from 'node:net'
import type { PingPayloadDto } from '@whatisup/shared'
import { parsePingOutput } from '../checkers/ping-output.js'
import { allowedAddresses, type Collector, capRaw, DiagnosticError } from './collector.js'
import { runTool } from './exec.js'

export interface PingCollectorOptions {
  /** The ping executable (iputils). Default: `ping` from PATH. */
  pingPath?: string
}

/** Five echoes 0.2 s apart, 2 s for each reply: done in about 3 s, well inside the deadline. */
const ARGS = ['-n', '-c', '5', '-i', '0.2', '-W', '2']

/** Reachability and latency of the target's first allowed address, through the system `ping`. */
export function pingCollector(options: PingCollectorOptions = {}): Collector<'ping'> {
  const command = options.pingPath ?? 'ping'
  return async ({ target, policy, signal }) => {
    const [address = ''] = await allowedAddresses(target.host, policy)
    const out = await runTool(command, [isIP(address) === 6 ? '-6' : '-4', ...ARGS, address], signal)
    if (out.missing) throw new DiagnosticError('binary_missing:ping')
    const stats = parsePingOutput(out.stdout)
    const raw = capRaw(out.stdout + out.stderr)
    if (!stats) {
      if (signal.aborted) return { payload: null, raw, error: null }
      throw new Error(out.stderr.trim().split('\n')[0]?.slice(0, 200) || `ping exited with code ${out.code}`)
    }
    const payload: PingPayloadDto = {
      address,
      transmitted: stats.transmitted,
      received: stats.received,
      loss_pct: stats.loss,
      rtt_min_ms: stats.rttMin ?? null,
      rtt_avg_ms: stats.rttAvg ?? null,
      rtt_max_ms: stats.rttMax ?? null,
    }
    return { payload, raw, error: null }
  }
}
