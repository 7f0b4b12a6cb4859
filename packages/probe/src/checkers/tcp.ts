import type { Socket } from 'node:net'
import type { SecureContext } from 'node:tls'
import { compileSimpleAssertions } from '@whatisup/shared'
import { conditionCompiler, outcome } from './conditions.js'
import { familyOf, openConnection } from './connect.js'
import { type Outcome, runCheck } from './run.js'
import { trustContext } from './tls.js'
import { addTiming, now, PhaseError, type Trace } from './trace.js'
import type { CheckContext, Checker } from './types.js'

/** Reading stops here: a banner or a reply, not a download. */
export const MAX_REPLY_BYTES = 64 * 1024
const SHOWN_REPLY = 1024

export interface TcpCheckerOptions {
  /** Extra trusted CA certificates (PEM) for `tls: true`. */
  extraCa?: readonly string[]
}

/**
 * TCP check: connect (optionally TLS, verified and reported), optionally send a text, then read
 * until `expect` appears, 64 KiB arrived, the peer closed or the deadline came. `[CONNECTED]`,
 * `[BODY]` (the reply) and `[IP]` feed the conditions.
 *
 * Details: `reply` (first 1 KiB), `reply_bytes`, `tls_chain` with TLS.
 */
export function createTcpChecker(options: TcpCheckerOptions = {}): Checker<'tcp'> {
  const secureContext = trustContext(options.extraCa)
  const conditionsOf = conditionCompiler('tcp')
  return {
    run: (ctx) => {
      const conditions = conditionsOf(ctx.monitor)
      return runCheck(ctx, conditions, (trace) => check(ctx, trace, secureContext, conditions.uses.has('BODY')))
    },
  }
}

async function check(
  ctx: CheckContext<'tcp'>,
  trace: Trace,
  secureContext: SecureContext,
  bodyWanted: boolean,
): Promise<Outcome> {
  const m = ctx.monitor
  const target = { host: m.host, port: m.port, secure: m.tls, family: familyOf(m.ip_family) }
  const socket = await openConnection(target, { policy: ctx.policy, secureContext }, trace)
  if (m.send === null && m.expect === null && !bodyWanted) return {}
  trace.phase = 'response'
  const reply = new Reply()
  trace.atDeadline = () => {
    const wanted = m.expect === null ? 'a reply' : `"${m.expect.slice(0, 100)}"`
    const message = `no ${wanted} within ${m.timeout_seconds}s (${reply.bytes} bytes received)`
    return replyOutcome(m.expect, reply.text(), reply.bytes, new PhaseError('timeout', message))
  }
  const sentAt = now()
  if (m.send !== null) socket.write(m.send)
  await reply.read(socket, m.expect, trace, sentAt)
  return replyOutcome(m.expect, reply.text(), reply.bytes)
}

function replyOutcome(expect: string | null, body: string, bytes: number, failure?: PhaseError): Outcome {
  return {
    failure,
    facts: { body },
    details: { reply: body.slice(0, SHOWN_REPLY), reply_bytes: bytes },
    extra: expect === null ? undefined : [expectOutcome(expect, body)],
  }
}

/**
 * `expect` as a judged outcome, labelled in the condition language. Judged here rather than
 * compiled: an `expect` may be longer than a condition can be.
 */
export function expectOutcome(expect: string, body: string) {
  const label = compileSimpleAssertions({ keyword: expect })[0] ?? `[BODY] contains ${expect}`
  return outcome(label, body.includes(expect), body)
}

/** What the peer sent, kept as bytes so a multi-byte character split across packets survives. */
class Reply {
  private chunks: Buffer[] = []
  bytes = 0

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }

  /** Resolves on the expected text (or, without one, the first data), the size cap, or the peer closing. */
  read(socket: Socket, expect: string | null, trace: Trace, sentAt: number): Promise<void> {
    return new Promise((resolve) => {
      let firstAt: number | undefined
      const done = () => {
        socket.removeListener('data', onData)
        if (firstAt !== undefined) addTiming(trace, 'transfer_ms', now() - firstAt)
        resolve()
      }
      const onData = (chunk: Buffer) => {
        if (firstAt === undefined) {
          firstAt = now()
          addTiming(trace, 'ttfb_ms', firstAt - sentAt)
        }
        const room = MAX_REPLY_BYTES - this.bytes
        this.chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
        this.bytes += Math.min(chunk.length, room)
        // Searching the decoded text each time is fine at this size and never misses a match
        // that straddles two packets.
        if (this.bytes >= MAX_REPLY_BYTES || expect === null || this.text().includes(expect)) done()
      }
      socket.on('data', onData)
      socket.once('end', done)
      socket.once('close', done)
    })
  }
}
