import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { DiagnosticsUpload, HeartbeatRequest, ResultBatch } from '@whatisup/shared'

export const AGENT_VERSION = '0.1.0'
export const AGENT_USER_AGENT = 'WhatIsUp-Probe/0.1'

export interface ApiAnswer {
  status: number
  /** Parsed JSON, or the raw text when the body is not JSON (a proxy's error page). */
  body: unknown
  retryAfterMs?: number
}

/**
 * The probe's view of the central server. The HTTP implementation is the default; the server's
 * embedded probe can pass an in-process one. Rejects only when no answer came (network error,
 * timeout); any HTTP status is an answer.
 */
export interface ProbeApi {
  heartbeat(body: HeartbeatRequest): Promise<ApiAnswer>
  postResults(batch: ResultBatch): Promise<ApiAnswer>
  /**
   * The long-poll for server commands (`GET probes/commands?wait=`): answers as soon as commands
   * are pending, or empty after `waitSeconds`. `signal` abandons it (the promise rejects).
   */
  commands(waitSeconds: number, signal?: AbortSignal): Promise<ApiAnswer>
  /** Results of a `diagnose` command (`POST probes/diagnostics`); the request id makes a retry harmless. */
  postDiagnostics(upload: DiagnosticsUpload): Promise<ApiAnswer>
  /** Aborts requests in flight (they reject) and frees connections. */
  close(): void
}

export type Outcome = 'ok' | 'retry' | 'unauthorized' | 'rejected'

/**
 * What to do with an answer. Only a 4xx other than 401/408/429 means "this request will never be
 * accepted"; anything unexpected (3xx from a proxy, 5xx) keeps the data and retries.
 */
export function classify(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok'
  if (status === 401) return 'unauthorized'
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'rejected'
  return 'retry'
}

export interface HttpProbeApiOptions {
  baseUrl: string
  apiKey: string
  timeoutMs?: number
}

const MAX_ANSWER_BYTES = 64 << 20

export function createHttpProbeApi(options: HttpProbeApiOptions): ProbeApi {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`)
  const secure = base.protocol === 'https:'
  // Kept alive: heartbeats and result batches go to the same server every second or so. One of
  // the sockets is held by the command long-poll most of the time.
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 4 })
    : new HttpAgent({ keepAlive: true, maxSockets: 4 })
  const timeoutMs = options.timeoutMs ?? 30_000

  const send = (method: 'GET' | 'POST', path: string, body: unknown, timeout: number, signal?: AbortSignal) =>
    new Promise<ApiAnswer>((resolve, reject) => {
      // A string, not a Buffer: one copy less for every result batch (up to 500 results).
      const payload = body === undefined ? undefined : JSON.stringify(body)
      const headers: Record<string, string> = {
        'user-agent': AGENT_USER_AGENT,
        'x-probe-api-key': options.apiKey,
      }
      if (payload !== undefined) {
        headers['content-type'] = 'application/json'
        headers['content-length'] = String(Buffer.byteLength(payload))
      }
      const req = (secure ? httpsRequest : httpRequest)(new URL(path, base), {
        method,
        agent,
        headers,
        ...(signal ? { signal } : {}),
      })
      req.setTimeout(timeout, () => req.destroy(new Error(`no answer from the server within ${timeout} ms`)))
      req.on('error', reject)
      req.once('response', (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_ANSWER_BYTES) return req.destroy(new Error('server answer too large'))
          chunks.push(chunk)
        })
        res.on('error', reject)
        res.once('end', () => {
          const answer: ApiAnswer = {
            status: res.statusCode ?? 0,
            body: parseBody(Buffer.concat(chunks).toString('utf8')),
          }
          const retryAfter = Number(res.headers['retry-after'])
          if (Number.isFinite(retryAfter) && retryAfter >= 0) answer.retryAfterMs = Math.min(retryAfter, 300) * 1000
          resolve(answer)
        })
      })
      req.end(payload)
    })

  return {
    heartbeat: (body) => send('POST', 'api/v1/probes/heartbeat', body, timeoutMs),
    postResults: (batch) => send('POST', 'api/v1/probes/results', batch, timeoutMs),
    // The server holds the answer up to `wait` seconds: only silence beyond that is a failure.
    commands: (wait, signal) =>
      send('GET', `api/v1/probes/commands?wait=${wait}`, undefined, wait * 1000 + timeoutMs, signal),
    postDiagnostics: (upload) => send('POST', 'api/v1/probes/diagnostics', upload, timeoutMs),
    close: () => agent.destroy(),
  }
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return text.slice(0, 500)
  }
}

/** The `{code, message, requestId}` of an error answer, for logs. */
export function describeError(body: unknown): Record<string, unknown> {
  if (body && typeof body === 'object') {
    const { code, message, requestId } = body as Record<string, unknown>
    return { code, message, request_id: requestId }
  }
  return { body }
}

/** Exponential backoff with ±20 % jitter, so a fleet of probes does not retry in lockstep. */
export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(raw * (0.8 + Math.random() * 0.4))
}
