import type { IncomingHttpHeaders } from 'node:http'
import { type ConnectOptions, openConnection } from './connect.js'
import {
  ChunkedDecoder,
  type Framing,
  framingOf,
  headEnd,
  headerLines,
  MAX_HEAD_BYTES,
  parseHead,
  requestHead,
  WireError,
} from './http-wire.js'
import { addTiming, errorMessage, now, PhaseError, type Trace } from './trace.js'

/** Reading stops here: enough to prove the body flows, bounded so one huge page cannot hog memory. */
export const MAX_BODY_BYTES = 1024 * 1024

export interface HopRequest {
  url: URL
  method: string
  headers: Record<string, string>
  body: string | null
  /** Whether this status would be followed as a redirect: its body is then not read. */
  isRedirect: (status: number) => boolean
  /** Keep the body (up to {@link MAX_BODY_BYTES}) for conditions; otherwise it is only drained. */
  keepBody: boolean
  family?: 4 | 6 | undefined
}

export interface HopResponse {
  status: number
  location?: string
  headers: IncomingHttpHeaders
  /** UTF-8 text of the body (first {@link MAX_BODY_BYTES}), when `keepBody` asked for it. */
  body?: string
}

/**
 * One request/response on a fresh connection, spoken by the checker itself (see `http-wire.ts`)
 * over the socket that {@link openConnection} already connected (and, for HTTPS, verified), so
 * every phase is timed separately and no connection is reused between checks.
 */
export async function exchange(hop: HopRequest, options: ConnectOptions, trace: Trace): Promise<HopResponse> {
  const secure = hop.url.protocol === 'https:'
  const host = hop.url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = Number(hop.url.port) || (secure ? 443 : 80)
  let head: string
  try {
    head = requestHead(
      hop.method,
      `${hop.url.pathname}${hop.url.search}`,
      hop.url.host,
      linesOf(hop.headers),
      hop.body !== null,
    )
  } catch (e) {
    throw new PhaseError('request', errorMessage(e))
  }
  const socket = await openConnection({ host, port, secure, family: hop.family }, options, trace)
  trace.phase = 'request'
  return new Promise<HopResponse>((resolve, reject) => {
    const started = now()
    let sentAt: number | undefined
    let firstByteAt: number | undefined
    let headersAt = 0
    /** Bytes of the response head received so far (the head may arrive in pieces). */
    let pending: Buffer | undefined
    let answer: HopResponse | undefined
    let framing: Framing | undefined
    let chunked: ChunkedDecoder | undefined
    let received = 0
    let bytes = 0
    let settled = false
    /** Past the head of a response whose body is read (not a redirect, not HEAD): transfer is timed. */
    let reading = false
    const chunks: Buffer[] | undefined = hop.keepBody ? [] : undefined

    const fail = (error: PhaseError) => {
      if (settled) return
      settled = true
      socket.destroy()
      reject(error)
    }
    const done = () => {
      if (settled || !answer) return
      settled = true
      if (reading) {
        addTiming(trace, 'transfer_ms', now() - headersAt)
        if (chunks) answer.body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')
      }
      socket.destroy()
      resolve(answer)
    }
    /** Body bytes: kept when asked (up to the cap), counted; reading stops at {@link MAX_BODY_BYTES}. */
    const body = (chunk: Buffer) => {
      bytes += chunk.length
      chunks?.push(chunk)
      if (bytes >= MAX_BODY_BYTES) done()
    }
    const onBody = (chunk: Buffer) => {
      if (chunk.length === 0 || !framing) return
      if (framing.kind === 'chunked') {
        chunked ??= new ChunkedDecoder(body)
        if (chunked.push(chunk)) done()
      } else if (framing.kind === 'length') {
        const take = Math.min(chunk.length, framing.length - received)
        received += take
        if (take > 0) body(take === chunk.length ? chunk : chunk.subarray(0, take))
        if (received >= framing.length) done()
      } else body(chunk)
    }
    const onHead = (buf: Buffer): void => {
      const end = headEnd(buf)
      if (end === -1) {
        if (buf.length > MAX_HEAD_BYTES) throw new WireError(`response headers larger than ${MAX_HEAD_BYTES} bytes`)
        pending = buf
        return
      }
      pending = undefined
      const parsed = parseHead(buf.toString('latin1', 0, end))
      // Interim answers (100 Continue, 103 Early Hints) precede the real one.
      if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) {
        if (end < buf.length) onHead(buf.subarray(end))
        return
      }
      headersAt = now()
      addTiming(trace, 'ttfb_ms', (firstByteAt ?? headersAt) - (sentAt ?? started))
      trace.phase = 'response'
      const { status, headers } = parsed
      const location = headers.location
      answer = location ? { status, location, headers } : { status, headers }
      // A redirect's body is not read, nor a HEAD's (which has none).
      if (hop.isRedirect(status) || hop.method === 'HEAD') {
        framing = { kind: 'none' }
        done()
        return
      }
      framing = framingOf(hop.method, parsed)
      reading = true
      if (framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0)) done()
      else if (end < buf.length) onBody(buf.subarray(end))
    }
    socket.on('data', (chunk: Buffer) => {
      firstByteAt ??= now()
      try {
        if (answer) onBody(chunk)
        else onHead(pending ? Buffer.concat([pending, chunk]) : chunk)
      } catch (e) {
        fail(
          new PhaseError('response', e instanceof WireError ? `invalid HTTP response: ${e.message}` : errorMessage(e)),
        )
      }
    })
    socket.once('close', () => {
      if (settled) return
      if (!answer) fail(new PhaseError(sentAt === undefined ? 'request' : 'response', 'ECONNRESET: socket hang up'))
      else if (framing?.kind === 'close') done()
      else fail(new PhaseError('response', 'connection closed before the response body was complete'))
    })
    socket.on('error', (e) => fail(new PhaseError(trace.phase === 'request' ? 'request' : 'response', errorMessage(e))))
    const sent = () => {
      sentAt = now()
      if (trace.phase === 'request') trace.phase = 'response'
    }
    if (hop.body === null) socket.write(head, 'latin1', sent)
    else {
      socket.cork()
      socket.write(head, 'latin1')
      socket.write(hop.body, 'utf8', sent)
      socket.uncork()
    }
  })
}

const lines = new WeakMap<Readonly<Record<string, string>>, string>()

/** Header lines of a headers object, validated and built once per object (a monitor's are reused by every check). */
function linesOf(headers: Readonly<Record<string, string>>): string {
  let text = lines.get(headers)
  if (text === undefined) {
    text = headerLines(headers)
    lines.set(headers, text)
  }
  return text
}
