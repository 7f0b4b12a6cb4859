import type { Socket } from 'node:net'
import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { type Running, startTcp } from '../../test/helpers/servers.js'
import { createHttpChecker } from './http.js'
import { ChunkedDecoder, framingOf, headEnd, headerLines, parseHead, requestHead, WireError } from './http-wire.js'

describe('http wire: request head', () => {
  it('writes host, the header lines and connection: close, with content-length: 0 for a body-less POST only', () => {
    const lines = headerLines({ 'user-agent': 'UA', accept: '*/*' })
    expect(requestHead('GET', '/p?q=1', 'example.com:8080', lines, false)).toBe(
      'GET /p?q=1 HTTP/1.1\r\nhost: example.com:8080\r\nuser-agent: UA\r\naccept: */*\r\nconnection: close\r\n\r\n',
    )
    expect(requestHead('POST', '/', 'h', '', false)).toContain('content-length: 0\r\n')
    expect(requestHead('POST', '/', 'h', 'content-length: 2\r\n', true)).not.toContain('content-length: 0')
    expect(requestHead('DELETE', '/', 'h', '', false)).not.toContain('content-length')
  })

  it('refuses a header that would inject another, and leaves host to the URL', () => {
    expect(() => headerLines({ 'x-a': 'ok\r\nx-injected: 1' })).toThrow(/invalid character/)
    expect(() => headerLines({ 'bad name': 'v' })).toThrow(/invalid header name/)
    expect(headerLines({ Host: 'evil.example', 'x-b': 'tab\tok' })).toBe('x-b: tab\tok\r\n')
  })
})

describe('http wire: response parsing', () => {
  it('reads the status and headers with node:http semantics', () => {
    const head = parseHead(
      'HTTP/1.1 200 OK\r\nContent-Type: a\r\ncontent-type: b\r\nX-Many: 1\r\nx-many: 2\r\n' +
        'Set-Cookie: a=1\r\nset-cookie: b=2\r\nX-Folded: one\r\n  two\r\nCookie: c=1\r\ncookie: d=2',
    )
    expect(head).toEqual({
      status: 200,
      headers: {
        'content-type': 'a',
        'x-many': '1, 2',
        'set-cookie': ['a=1', 'b=2'],
        'x-folded': 'one two',
        cookie: 'c=1; d=2',
      },
    })
    expect(parseHead('HTTP/1.0 404\n').status).toBe(404)
  })

  it('refuses what is not an HTTP/1.x response', () => {
    expect(() => parseHead('SSH-2.0-OpenSSH_9.2')).toThrow(WireError)
    expect(() => parseHead('HTTP/1.1 200 OK\r\nno colon here')).toThrow(/invalid response header line/)
    expect(() => framingOf('GET', { status: 200, headers: { 'content-length': '12x' } })).toThrow(/content-length/)
  })

  it('finds the end of the head with CRLF or bare LF line ends', () => {
    expect(headEnd(Buffer.from('HTTP/1.1 200 OK\r\na: b\r\n\r\nbody'))).toBe(25)
    expect(headEnd(Buffer.from('HTTP/1.1 200 OK\na: b\n\nbody'))).toBe(22)
    expect(headEnd(Buffer.from('HTTP/1.1 200 OK\r\na: b\r\n'))).toBe(-1)
  })

  it('frames bodies: none for HEAD, 204 and 304; chunked before content-length; else until close', () => {
    const h = (headers: Record<string, string>, status = 200) => ({ status, headers })
    expect(framingOf('HEAD', h({ 'content-length': '5' }))).toEqual({ kind: 'none' })
    expect(framingOf('GET', h({}, 204))).toEqual({ kind: 'none' })
    expect(framingOf('GET', h({}, 304))).toEqual({ kind: 'none' })
    expect(framingOf('GET', h({ 'transfer-encoding': 'gzip, chunked', 'content-length': '5' }))).toEqual({
      kind: 'chunked',
    })
    expect(framingOf('GET', h({ 'content-length': '5' }))).toEqual({ kind: 'length', length: 5 })
    expect(framingOf('GET', h({}))).toEqual({ kind: 'close' })
  })

  it('decodes a chunked body split anywhere, extensions and trailers included', () => {
    const wire = Buffer.from('5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n')
    for (let step = 1; step <= wire.length; step++) {
      const parts: Buffer[] = []
      const decoder = new ChunkedDecoder((b) => parts.push(Buffer.from(b)))
      let done = false
      for (let i = 0; i < wire.length; i += step) done = decoder.push(wire.subarray(i, i + step))
      expect(done).toBe(true)
      expect(Buffer.concat(parts).toString()).toBe('hello world')
    }
    expect(() => new ChunkedDecoder(() => {}).push(Buffer.from('zz\r\n'))).toThrow(/invalid chunk size/)
  })
})

describe('http checker against hand-written responses', () => {
  let server: Running
  const replies: Record<string, (s: Socket) => void> = {
    // Interim 100 Continue, then the real answer, written byte by byte.
    '/interim': (s) => {
      const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\npong'
      let i = 0
      const next = () => {
        if (i < text.length) s.write(text[i++]!, () => setImmediate(next))
      }
      next()
    },
    '/chunked': (s) => s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n'),
    '/until-close': (s) => s.end('HTTP/1.0 200 OK\r\n\r\nall of it'),
    '/truncated': (s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort'),
    '/garbage': (s) => s.end('hello, this is not HTTP\r\n\r\n'),
    '/hang-up': (s) => s.end(),
  }
  beforeAll(async () => {
    server = await startTcp((socket) => {
      let head = ''
      socket.on('data', (d: Buffer) => {
        head += d.toString('latin1')
        if (!head.includes('\r\n\r\n')) return
        const path = head.split(' ')[1] ?? ''
        replies[path]?.(socket)
      })
    })
  })
  afterAll(() => server.close())

  const check = (path: string, conditions: string[] = []): Promise<CheckResult> =>
    createHttpChecker().run({
      monitor: monitor({ url: `http://127.0.0.1:${server.port}${path}`, conditions }),
      checkedAt: 1,
      policy: { allowPrivate: true },
      clock: systemClock,
    })

  it('skips an interim 100 and reads the final answer, however it is split', async () => {
    const r = await check('/interim', ['[BODY] == pong'])
    expect(r).toMatchObject({ status: 'up', http_status: 200 })
    expect(r.timings).toMatchObject({ ttfb_ms: expect.any(Number), transfer_ms: expect.any(Number) })
  })

  it('reads chunked bodies and bodies delimited by the connection closing', async () => {
    expect(await check('/chunked', ['[BODY] == abcdef'])).toMatchObject({ status: 'up' })
    expect(await check('/until-close', ['[BODY] == "all of it"'])).toMatchObject({ status: 'up' })
  })

  it('is down in phase response when the body is cut short or the answer is not HTTP', async () => {
    expect((await check('/truncated')).failure).toEqual({
      phase: 'response',
      message: 'connection closed before the response body was complete',
    })
    const garbage = await check('/garbage')
    expect(garbage.failure?.phase).toBe('response')
    expect(garbage.failure?.message).toMatch(/^invalid HTTP response: not an HTTP\/1\.x response/)
    expect((await check('/hang-up')).failure).toMatchObject({ message: 'ECONNRESET: socket hang up' })
  })
})
