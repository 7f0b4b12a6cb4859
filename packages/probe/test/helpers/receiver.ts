import type {
  CheckResult,
  HeartbeatRequest,
  HeartbeatResponse,
  ProbeCommand,
  ProbeMonitorConfig,
  ResultBatch,
} from '@whatisup/shared'
import { type Running, startHttp } from './servers.js'

/**
 * How the fake server answers the next result batch: `ok` stores it (once per batch_id), `lose-ack`
 * stores it but answers 503 as if the answer got lost, `reset` drops the connection.
 */
export type ResultsMode = 'ok' | 'lose-ack' | 'reset' | 503 | 401 | 422

export interface Receiver extends Running {
  /** Every batch that reached the server, retries included. */
  wire: ResultBatch[]
  /** What the server stored: each batch_id at most once, in arrival order. */
  stored: CheckResult[]
  heartbeats: HeartbeatRequest[]
  mode: ResultsMode
  /** One-shot modes for the next batches, before falling back to `mode`. */
  queue: ResultsMode[]
  monitors: ProbeMonitorConfig[]
  configVersion: string
  /** Answer heartbeats with this status (and an error body) instead of 200. */
  heartbeatStatus: number
  /** Monitors whose results make the whole batch refused, as the real server does. */
  unassigned: string[]
  /** Command long-polls received, and the status to answer them with (200 = the real behaviour). */
  commandPolls: number
  commandStatus: number
  /** Hands commands to the waiting long-polls (or to the next one). */
  push(...commands: ProbeCommand[]): void
}

/** A stand-in for the central server's two probe endpoints, recording exactly what it was sent. */
export async function startReceiver(): Promise<Receiver> {
  const storedIds = new Set<string>()
  let pending: ProbeCommand[] = []
  const waiting = new Set<(commands: ProbeCommand[]) => void>()
  const self: Omit<Receiver, keyof Running> = {
    commandPolls: 0,
    commandStatus: 200,
    push: (...commands) => {
      pending.push(...commands)
      if (waiting.size === 0) return
      const out = pending
      pending = []
      for (const answer of [...waiting]) answer(out)
    },
    wire: [],
    stored: [],
    heartbeats: [],
    mode: 'ok',
    queue: [],
    monitors: [],
    configVersion: 'v1',
    heartbeatStatus: 200,
    unassigned: [],
  }
  const server = await startHttp((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.headers['x-probe-api-key'] !== 'wiu_test') return json(401, error('PROBE_KEY_INVALID'))
      if (req.url?.startsWith('/api/v1/probes/commands')) return commands()
      const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown
      if (req.url === '/api/v1/probes/heartbeat') {
        const beat = body as HeartbeatRequest
        self.heartbeats.push(beat)
        if (self.heartbeatStatus !== 200) return json(self.heartbeatStatus, error('SERVICE_UNAVAILABLE'))
        const answer: HeartbeatResponse = {
          probe: { id: 'p1', name: 'test', network_type: 'external' },
          config_version: self.configVersion,
          monitors: beat.config_version === self.configVersion ? null : self.monitors,
          heartbeat_interval_seconds: 30,
          server_time: Date.now(),
        }
        return json(200, answer)
      }
      const batch = body as ResultBatch
      self.wire.push(batch)
      const mode = self.queue.shift() ?? self.mode
      if (mode === 'reset') return req.socket.destroy()
      if (typeof mode === 'number') return json(mode, error(mode === 401 ? 'PROBE_KEY_INVALID' : 'VALIDATION_FAILED'))
      const foreign = batch.results.filter((r) => self.unassigned.includes(r.monitor_id)).map((r) => r.monitor_id)
      if (foreign.length)
        return json(403, { ...error('MONITOR_NOT_ASSIGNED'), details: { monitor_ids: [...new Set(foreign)] } })
      const duplicate = storedIds.has(batch.batch_id)
      if (!duplicate) {
        storedIds.add(batch.batch_id)
        self.stored.push(...batch.results)
      }
      if (mode === 'lose-ack') return json(503, error('SERVICE_UNAVAILABLE'))
      json(202, { accepted: duplicate ? 0 : batch.results.length, duplicate })
    })
    const json = (status: number, payload: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload))
    // The long-poll: pending commands at once, else the first pushed within `wait` seconds.
    const commands = () => {
      self.commandPolls++
      if (self.commandStatus !== 200) return json(self.commandStatus, error('SERVICE_UNAVAILABLE'))
      if (pending.length > 0) {
        const out = pending
        pending = []
        return json(200, { commands: out })
      }
      const wait = Number(new URL(req.url ?? '', 'http://x').searchParams.get('wait') ?? 25)
      const answer = (out: ProbeCommand[]) => {
        clearTimeout(timer)
        waiting.delete(answer)
        json(200, { commands: out })
      }
      const timer = setTimeout(() => answer([]), wait * 1000)
      waiting.add(answer)
      res.once('close', () => {
        clearTimeout(timer)
        waiting.delete(answer)
      })
    }
  })
  return Object.assign(self, server) as Receiver
}

function error(code: string) {
  return { code, message: `test server says ${code}`, requestId: 'req-1' }
}

/** Polls until `ok()` holds (real I/O is involved, so there is no event to wait on). */
export async function until(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!ok()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}
