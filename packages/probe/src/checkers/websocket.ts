import type { Socket } from 'node:net'
import type { SecureContext } from 'node:tls'
import WebSocket from 'ws'
import { conditionCompiler } from './conditions.js'
import { openConnection } from './connect.js'
import { USER_AGENT } from './http.js'
import { type Outcome, runCheck } from './run.js'
import { expectOutcome } from './tcp.js'
import { trustContext } from './tls.js'
import { addTiming, errorMessage, now, PhaseError, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'

const MAX_MESSAGE_BYTES = 1024 * 1024
const SHOWN_REPLY = 1024

export interface WebsocketCheckerOptions {
  /** Extra trusted CA certificates (PEM) for `wss://`. */
  extraCa?: readonly string[]
}

/**
 * WebSocket check: the opening handshake over a connection this probe resolved, policy-checked and
 * (for wss) verified itself, then optionally `send` a text and wait for a message containing
 * `expect` (without `expect`, the first message). Timings: `connect_ms`, `tls_ms`, `ttfb_ms`
 * (upgrade request → 101), `transfer_ms` (sent → expected reply). `[STATUS]` is 101, or the
 * status of a refused upgrade.
 *
 * Details: `protocol` (negotiated subprotocol, if any), `messages`, `reply` (first 1 KiB).
 */
export function createWebsocketChecker(options: WebsocketCheckerOptions = {}): Checker<'websocket'> {
  const secureContext = trustContext(options.extraCa)
  const conditionsOf = conditionCompiler('websocket')
  return {
    run: (ctx) => {
      const conditions = conditionsOf(ctx.monitor)
      return runCheck(ctx, conditions, (trace) => check(ctx, trace, secureContext, conditions.uses.has('BODY')))
    },
  }
}

async function check(
  ctx: CheckContext<'websocket'>,
  trace: Trace,
  secureContext: SecureContext,
  bodyWanted: boolean,
): Promise<Outcome> {
  const m = ctx.monitor
  const url = new URL(m.url)
  trace.url = url.href
  const secure = url.protocol === 'wss:'
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = Number(url.port) || (secure ? 443 : 80)
  const connect = { policy: ctx.policy, secureContext, alpn: ['http/1.1'], ignoreTlsErrors: m.ignore_tls_errors }
  const socket = await openConnection({ host, port, secure }, connect, trace)
  // Listening from the start: a server may speak first, in the same packet as its 101.
  const inbox = new Inbox(m.expect)
  let ws: WebSocket
  try {
    ws = await upgrade(m, url, socket, inbox, trace)
  } catch (e) {
    if (e instanceof RefusedUpgrade) return { failure: e, http_status: e.status }
    throw e
  }
  const details: Record<string, unknown> = {}
  if (ws.protocol) details.protocol = ws.protocol.slice(0, 100)
  if (m.send === null && m.expect === null && !bodyWanted) {
    ws.close(1000)
    return { http_status: 101, details }
  }
  trace.phase = 'response'
  const result = (failure?: PhaseError): Outcome => ({
    failure,
    http_status: 101,
    facts: { body: inbox.body },
    details: { ...details, messages: inbox.count, reply: inbox.body.slice(0, SHOWN_REPLY) },
    extra: m.expect === null ? undefined : [expectOutcome(m.expect, inbox.body)],
  })
  trace.atDeadline = () => {
    const wanted = m.expect === null ? 'a message' : `a message containing "${m.expect.slice(0, 100)}"`
    return result(new PhaseError('timeout', `no ${wanted} within ${m.timeout_seconds}s`))
  }
  const sentAt = now()
  if (m.send !== null) ws.send(m.send)
  await new Promise<void>((resolve) => {
    inbox.wake = resolve
    if (inbox.matched) resolve()
    ws.once('close', () => resolve())
  })
  addTiming(trace, 'transfer_ms', now() - sentAt)
  ws.close(1000)
  return result()
}

/** The server answered the upgrade request with a plain HTTP status. */
class RefusedUpgrade extends PhaseError {
  constructor(readonly status: number) {
    super('response', `upgrade refused: HTTP ${status}`)
  }
}

/** The opening handshake on our own socket: `ws` must not dial (and so re-resolve) by itself. */
function upgrade(
  m: ProbeMonitor<'websocket'>,
  url: URL,
  socket: Socket,
  inbox: Inbox,
  trace: Trace,
): Promise<WebSocket> {
  trace.phase = 'request'
  const started = now()
  return new Promise((resolve, reject) => {
    let ws: WebSocket
    try {
      ws = new WebSocket(url, {
        createConnection: () => socket,
        headers: { 'User-Agent': USER_AGENT, ...m.custom_headers },
        perMessageDeflate: false,
        followRedirects: false,
        maxPayload: MAX_MESSAGE_BYTES,
      })
    } catch (e) {
      return reject(new PhaseError('config', errorMessage(e)))
    }
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => inbox.take(data, isBinary))
    ws.on('error', (e) => reject(new PhaseError('response', `WebSocket handshake failed: ${errorMessage(e)}`)))
    trace.scope.onAbort(() => ws.terminate())
    ws.once('upgrade', () => addTiming(trace, 'ttfb_ms', now() - started))
    ws.once('unexpected-response', (_req, res) => {
      res.destroy()
      reject(new RefusedUpgrade(res.statusCode ?? 0))
    })
    ws.once('open', () => resolve(ws))
  })
}

/** Messages as they come: `body` is the first one containing `expect` (or the latest, until then). */
class Inbox {
  body = ''
  count = 0
  matched = false
  wake: () => void = () => {}

  constructor(private readonly expect: string | null) {}

  take(data: WebSocket.RawData, isBinary: boolean): void {
    this.count++
    if (this.matched) return
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    this.body = isBinary ? raw.toString('hex') : raw.toString('utf8')
    if (this.expect === null || this.body.includes(this.expect)) {
      this.matched = true
      this.wake()
    }
  }
}
