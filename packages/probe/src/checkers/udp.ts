import { createSocket, type Socket } from 'node:dgram'
import { isIP } from 'node:net'
import { type ConditionOutcome, compileSimpleAssertions } from '@whatisup/shared'
import { conditionCompiler, outcome, perMonitor } from './conditions.js'
import { familyOf, resolveAllowed } from './connect.js'
import { type Outcome, runCheck } from './run.js'
import { addTiming, errorMessage, now, PhaseError, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'

/** `[RESULT]` and `details.result`: what the port did with our datagram. */
export type UdpResult = 'open' | 'closed' | 'open_filtered'

const SHOWN_REPLY = 1024

interface Prepared {
  payload: Buffer
  expect?: RegExp
  problem?: PhaseError
}

/**
 * UDP check: one datagram to `host:port` from a connected socket, then the first of: a reply (`open`,
 * up, matched against `expect`), an ICMP port unreachable (`closed`, down), or silence until the
 * deadline (`open_filtered`: UDP cannot tell an idle service from a firewall, so the monitor's
 * `silence_is_up` decides). With `payload_encoding: hex` the reply is shown and matched as hex too.
 *
 * Details: `result`, `reply` (first 1 KiB, text or hex), `reply_bytes`. Placeholder: `[RESULT]`.
 */
export function createUdpChecker(): Checker<'udp'> {
  const conditionsOf = conditionCompiler('udp')
  const prepare = perMonitor(prepareMonitor)
  return { run: (ctx) => runCheck(ctx, conditionsOf(ctx.monitor), (trace) => check(ctx, prepare(ctx.monitor), trace)) }
}

function prepareMonitor(m: ProbeMonitor<'udp'>): Prepared {
  const prepared: Prepared = { payload: Buffer.alloc(0) }
  if (m.payload_encoding === 'hex') {
    const hex = m.payload.replace(/\s+/g, '')
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) prepared.problem = new PhaseError('config', 'payload is not valid hex')
    else prepared.payload = Buffer.from(hex, 'hex')
  } else prepared.payload = Buffer.from(m.payload, 'utf8')
  if (m.expect !== null) {
    try {
      prepared.expect = new RegExp(m.expect)
    } catch (e) {
      prepared.problem = new PhaseError('config', `expect is not a valid regular expression: ${errorMessage(e)}`)
    }
  }
  return prepared
}

async function check(ctx: CheckContext<'udp'>, p: Prepared, trace: Trace): Promise<Outcome> {
  const m = ctx.monitor
  if (p.problem) throw p.problem
  const [address] = await resolveAllowed(m.host, familyOf(m.ip_family), ctx.policy, trace)
  if (!address) throw new PhaseError('dns', `no address for ${m.host}`)
  trace.phase = 'connect'
  const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4')
  socket.on('error', () => {})
  trace.scope.onAbort(() => closeQuietly(socket))
  const started = now()
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (e) => reject(new PhaseError('connect', errorMessage(e))))
    socket.connect(m.port, address, resolve)
  })
  addTiming(trace, 'connect_ms', now() - started)
  trace.remoteAddress = address
  trace.phase = 'response'
  const hex = m.payload_encoding === 'hex'
  trace.atDeadline = () => silence(m, p)
  const sentAt = now()
  const answer = await new Promise<Buffer | PhaseError>((resolve) => {
    socket.once('message', (msg: Buffer) => resolve(msg))
    socket.once('error', (e: NodeJS.ErrnoException) => {
      const refused = e.code === 'ECONNREFUSED'
      const text = refused ? `ICMP port unreachable: nothing listens on udp ${address}:${m.port}` : errorMessage(e)
      resolve(new PhaseError('connect', text))
    })
    socket.send(p.payload)
  })
  if (answer instanceof PhaseError) return closedOutcome(m, p, answer)
  addTiming(trace, 'ttfb_ms', now() - sentAt)
  const body = hex ? answer.toString('hex') : answer.toString('utf8')
  return {
    facts: { body, connected: true, values: { RESULT: 'open' } },
    details: { result: 'open', reply: body.slice(0, SHOWN_REPLY), reply_bytes: answer.length },
    extra: expectOutcomes(m, p, body),
  }
}

function closedOutcome(m: ProbeMonitor<'udp'>, p: Prepared, failure: PhaseError): Outcome {
  const result: UdpResult = 'closed'
  return {
    failure,
    facts: { connected: false, values: { RESULT: result } },
    details: { result },
    extra: expectOutcomes(m, p, undefined),
  }
}

function silence(m: ProbeMonitor<'udp'>, p: Prepared): Outcome {
  const result: UdpResult = 'open_filtered'
  const message = `no reply within ${m.timeout_seconds}s: open|filtered (silence_is_up is off)`
  return {
    failure: m.silence_is_up ? undefined : new PhaseError('timeout', message),
    facts: { connected: false, values: { RESULT: result } },
    details: { result },
    extra: expectOutcomes(m, p, undefined),
  }
}

/** `expect` judged here (the label is its condition-language form); no reply never matches. */
function expectOutcomes(m: ProbeMonitor<'udp'>, p: Prepared, body: string | undefined): ConditionOutcome[] | undefined {
  if (!p.expect || m.expect === null) return undefined
  const label = compileSimpleAssertions({ body_regex: m.expect })[0] ?? m.expect
  if (body === undefined) return [outcome(label, false, 'null', 'no reply')]
  return [outcome(label, p.expect.test(body), body)]
}

function closeQuietly(socket: Socket): void {
  try {
    socket.close()
  } catch {
    // Already closed.
  }
}
