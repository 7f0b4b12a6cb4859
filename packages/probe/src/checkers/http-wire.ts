import type { IncomingHttpHeaders } from 'node:http'

/**
 * HTTP/1.1 on the wire, for one request per connection: the request head the checker writes and
 * an incremental parser of the response. The checker's own client instead of `node:http`: a
 * one-shot exchange needs none of `ClientRequest`/`IncomingMessage`'s streams and agents, and
 * they cost about a quarter of a check's CPU (see bench/floor.ts).
 */

/** Node's default limit (`--max-http-header-size`): a larger response head is refused. */
export const MAX_HEAD_BYTES = 16 * 1024

/** A problem with what the server sent: reported in phase `response`. */
export class WireError extends Error {}

/** Methods that carry no body by default: no `content-length: 0` is sent for them (as `node:http`). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'])
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Control characters other than tab would end the header line (CR, LF) or confuse the server.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/

/**
 * Header lines (`name: value\r\n`…) for a request, validated once: a name that is not a token or a
 * value with a line break is refused instead of being written, so no header can inject another.
 * `host` is left out: {@link requestHead} writes the one of the URL being requested.
 */
export function headerLines(headers: Readonly<Record<string, string>>): string {
  let text = ''
  for (const name in headers) {
    const value = headers[name]!
    if (name.toLowerCase() === 'host') continue
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name "${name.slice(0, 100)}"`)
    if (INVALID_VALUE.test(value)) throw new TypeError(`invalid character in the value of header "${name}"`)
    text += `${name}: ${value}\r\n`
  }
  return text
}

/**
 * The request head: request line, `host`, the given header lines, `connection: close` (one
 * request per connection), and `content-length: 0` for a body-less POST/PUT/PATCH as
 * `node:http` sends it. Written as latin1, as `node:http` writes heads.
 */
export function requestHead(method: string, path: string, host: string, lines: string, hasBody: boolean): string {
  const length = !hasBody && !BODYLESS_METHODS.has(method) && !/^content-length:/im.test(lines)
  return `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n${lines}${length ? 'content-length: 0\r\n' : ''}connection: close\r\n\r\n`
}

/** Response headers kept once, the first occurrence winning, as `node:http` does. */
const SINGLE = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
])

export interface ResponseHead {
  status: number
  headers: IncomingHttpHeaders
}

/**
 * Parses one response head (status line and header fields, without the blank line), with
 * `IncomingMessage.headers` semantics: lower-case names, repeated fields joined by `, `
 * (`cookie` by `; `), `set-cookie` an array, the fields above kept once.
 */
export function parseHead(text: string): ResponseHead {
  const lines = text.split('\n')
  const statusLine = trimCr(lines[0] ?? '')
  const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)
  if (!m) throw new WireError(`not an HTTP/1.x response: "${statusLine.slice(0, 60)}"`)
  const headers: Record<string, string | string[]> = {}
  let last: string | undefined
  for (let i = 1; i < lines.length; i++) {
    const line = trimCr(lines[i]!)
    if (line === '') continue
    const c0 = line.charCodeAt(0)
    if ((c0 === 32 || c0 === 9) && last !== undefined) {
      // Obsolete line folding: the continuation belongs to the previous field.
      const prev = headers[last]
      const more = line.trim()
      if (Array.isArray(prev)) prev[prev.length - 1] += ` ${more}`
      else headers[last] = `${prev ?? ''} ${more}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) throw new WireError(`invalid response header line: "${line.slice(0, 60)}"`)
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    last = name
    const prev = headers[name]
    if (prev === undefined) headers[name] = name === 'set-cookie' ? [value] : value
    else if (Array.isArray(prev)) prev.push(value)
    else if (!SINGLE.has(name)) headers[name] = `${prev}${name === 'cookie' ? '; ' : ', '}${value}`
  }
  return { status: Number(m[1]), headers: headers as IncomingHttpHeaders }
}

const trimCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line)

/** Where a response head ends (index after the blank line), or -1 when it has not fully arrived. */
export function headEnd(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n')
  const lf = buf.indexOf('\n\n')
  if (crlf !== -1 && (lf === -1 || crlf + 1 < lf)) return crlf + 4
  return lf === -1 ? -1 : lf + 2
}

/**
 * Body framing of a response (RFC 9112 §6.3): none, a known length, chunked, or until the server
 * closes the connection.
 */
export type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' }

export function framingOf(method: string, head: ResponseHead): Framing {
  const { status, headers } = head
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return { kind: 'none' }
  const te = headers['transfer-encoding']
  if (te !== undefined) {
    if (/(?:^|,)\s*chunked\s*$/i.test(te)) return { kind: 'chunked' }
    return { kind: 'close' }
  }
  const cl = headers['content-length']
  if (cl !== undefined) {
    if (!/^\d+$/.test(cl)) throw new WireError(`invalid content-length "${cl.slice(0, 40)}"`)
    return { kind: 'length', length: Number(cl) }
  }
  return { kind: 'close' }
}

/**
 * Decodes a chunked body incrementally: `push` hands the data bytes of each piece to `onData` and
 * returns true once the last chunk (and its trailers) has arrived.
 */
export class ChunkedDecoder {
  /** Bytes of the current chunk still to come, then its CRLF. */
  private remaining = 0
  private state: 'size' | 'data' | 'data-end' | 'trailers' | 'done' = 'size'
  /** A size or trailer line split across pieces. */
  private line = ''

  constructor(private readonly onData: (chunk: Buffer) => void) {}

  push(buf: Buffer): boolean {
    let i = 0
    while (i < buf.length && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, buf.length - i)
        this.onData(buf.subarray(i, i + take))
        i += take
        this.remaining -= take
        if (this.remaining === 0) this.state = 'data-end'
        continue
      }
      const nl = buf.indexOf(10, i)
      const end = nl === -1 ? buf.length : nl
      this.line += buf.toString('latin1', i, end)
      if (this.line.length > 4096) throw new WireError('chunked body: line too long')
      if (nl === -1) return false
      i = nl + 1
      const line = trimCr(this.line)
      this.line = ''
      if (this.state === 'data-end') {
        if (line !== '') throw new WireError('chunked body: missing CRLF after a chunk')
        this.state = 'size'
      } else if (this.state === 'size') {
        const hex = (line.split(';')[0] ?? '').trim()
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex))
          throw new WireError(`chunked body: invalid chunk size "${hex.slice(0, 20)}"`)
        this.remaining = Number.parseInt(hex, 16)
        this.state = this.remaining === 0 ? 'trailers' : 'data'
      } else if (line === '') this.state = 'done'
    }
    return this.state === 'done'
  }
}
