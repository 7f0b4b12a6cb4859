import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http'
import { type ConnectOptions, openConnection } from './connect.js'
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
 * One request/response on a fresh connection. `node:http` runs over the socket that
 * {@link openConnection} already connected (and, for HTTPS, verified), so every phase is timed
 * separately and no connection is reused between checks.
 */
export async function exchange(hop: HopRequest, options: ConnectOptions, trace: Trace): Promise<HopResponse> {
  const secure = hop.url.protocol === 'https:'
  const host = hop.url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = Number(hop.url.port) || (secure ? 443 : 80)
  const socket = await openConnection({ host, port, secure, family: hop.family }, options, trace)
  trace.phase = 'request'
  const started = now()
  let sentAt: number | undefined
  let firstByteAt: number | undefined
  socket.once('data', () => {
    firstByteAt = now()
  })
  return new Promise<HopResponse>((resolve, reject) => {
    const req = request({
      method: hop.method,
      path: `${hop.url.pathname}${hop.url.search}`,
      headers: { ...hop.headers, host: hop.url.host },
      setHost: false,
      createConnection: () => socket,
    })
    req.once('finish', () => {
      sentAt = now()
      trace.phase = 'response'
    })
    req.on('error', (e) => reject(new PhaseError(trace.phase === 'request' ? 'request' : 'response', errorMessage(e))))
    req.once('response', (res) => {
      const headersAt = now()
      addTiming(trace, 'ttfb_ms', (firstByteAt ?? headersAt) - (sentAt ?? started))
      trace.phase = 'response'
      const status = res.statusCode ?? 0
      const location = res.headers.location
      const answer: HopResponse = location
        ? { status, location, headers: res.headers }
        : { status, headers: res.headers }
      if (hop.isRedirect(status) || hop.method === 'HEAD') {
        res.destroy()
        return resolve(answer)
      }
      const chunks: Buffer[] | undefined = hop.keepBody ? [] : undefined
      readBody(
        res,
        chunks,
        () => {
          addTiming(trace, 'transfer_ms', now() - headersAt)
          if (chunks) answer.body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')
          resolve(answer)
        },
        reject,
      )
    })
    if (hop.body !== null) req.end(hop.body)
    else req.end()
  })
}

function readBody(
  res: IncomingMessage,
  chunks: Buffer[] | undefined,
  done: () => void,
  fail: (e: PhaseError) => void,
): void {
  let bytes = 0
  let settled = false
  const finish = (error?: PhaseError) => {
    if (settled) return
    settled = true
    if (error) fail(error)
    else done()
  }
  res.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    chunks?.push(chunk)
    if (bytes < MAX_BODY_BYTES) return
    finish()
    res.destroy()
  })
  res.once('end', () => finish())
  res.on('error', (e) => finish(new PhaseError('response', `response body interrupted: ${errorMessage(e)}`)))
  res.once('close', () => {
    if (!res.complete) finish(new PhaseError('response', 'connection closed before the response body was complete'))
  })
}
