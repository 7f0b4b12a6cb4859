import type { IncomingMessage } from 'node:http'
import { type CheckResult, systemClock } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { closedPort, type Running, startHttp, startSilent } from '../../test/helpers/servers.js'
import { createHttpChecker } from './http.js'
import type { NetworkPolicy } from './types.js'

const checker = createHttpChecker()
const allow: NetworkPolicy = { allowPrivate: true }
const check = (overrides: Parameters<typeof monitor>[0], policy = allow): Promise<CheckResult> =>
  checker.run({ monitor: monitor(overrides), checkedAt: 1_700_000_000_000, policy, clock: systemClock })

const seen: Array<{
  method: string | undefined
  url: string | undefined
  headers: IncomingMessage['headers']
  body: string
}> = []
let server: Running

beforeAll(async () => {
  server = await startHttp((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body })
      const url = new URL(req.url ?? '/', 'http://x')
      const hops = /^\/r\/(\d+)$/.exec(url.pathname)
      if (hops) {
        const n = Number(hops[1])
        res.writeHead(n === 0 ? 200 : 302, n === 0 ? {} : { location: `/r/${n - 1}` })
        return res.end('hop')
      }
      if (url.pathname === '/status') return res.writeHead(Number(url.searchParams.get('code'))).end()
      if (url.pathname === '/slow') {
        // 100 ms thinking before the first byte, then 100 ms between two body chunks.
        setTimeout(() => {
          res.writeHead(200).write('a')
          setTimeout(() => res.end('b'), 100)
        }, 100)
        return
      }
      if (url.pathname === '/see-other') return res.writeHead(303, { location: '/' }).end()
      if (url.pathname === '/huge') {
        // Never ends on its own: proves the checker stops reading at 1 MiB instead of waiting.
        res.writeHead(200)
        const chunk = Buffer.alloc(64 * 1024, 'x')
        const pump = () => {
          while (res.write(chunk)) {}
        }
        res.on('drain', pump)
        return pump()
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello')
    })
  })
})
afterAll(() => server.close())

describe('http checker', () => {
  it('reports up with status, address and timing phases', async () => {
    const r = await check({ url: `${server.url}/` })
    expect(r).toMatchObject({
      status: 'up',
      http_status: 200,
      remote_address: '127.0.0.1',
      redirect_count: 0,
      checked_at: 1_700_000_000_000,
    })
    expect(r.failure).toBeUndefined()
    expect(r.timings).toEqual({
      connect_ms: expect.any(Number),
      ttfb_ms: expect.any(Number),
      transfer_ms: expect.any(Number),
    })
    expect(r.latency_ms).toBeGreaterThan(0)
  })

  it('attributes time to the right phase', async () => {
    const r = await check({ url: `${server.url}/slow` })
    expect(r.timings?.ttfb_ms).toBeGreaterThanOrEqual(90)
    expect(r.timings?.transfer_ms).toBeGreaterThanOrEqual(90)
    expect(r.latency_ms).toBeGreaterThanOrEqual(r.timings!.ttfb_ms! + r.timings!.transfer_ms!)
  })

  it('times DNS when the URL names a host', async () => {
    const r = await check({ url: `http://localhost:${server.port}/` })
    expect(r.status).toBe('up')
    expect(r.timings?.dns_ms).toBeGreaterThanOrEqual(0)
  })

  it('is down with an assertion failure on an unexpected status', async () => {
    const r = await check({ url: `${server.url}/status?code=503` })
    expect(r).toMatchObject({ status: 'down', http_status: 503, failure: { phase: 'assertion' } })
    expect(r.failure?.message).toContain('503')
    expect((await check({ url: `${server.url}/status?code=404`, expected_status_codes: [404] })).status).toBe('up')
  })

  it('follows redirects up to the maximum and reports the final URL', async () => {
    const r = await check({ url: `${server.url}/r/3`, max_redirects: 3 })
    expect(r).toMatchObject({ status: 'up', http_status: 200, redirect_count: 3, final_url: `${server.url}/r/0` })
  })

  it('is down when the redirect chain exceeds the maximum', async () => {
    const r = await check({ url: `${server.url}/r/4`, max_redirects: 3 })
    expect(r).toMatchObject({ status: 'down', http_status: 302, redirect_count: 3, failure: { phase: 'response' } })
    expect(r.failure?.message).toContain('too many redirects')
  })

  it('does not follow redirects when told not to', async () => {
    const r = await check({ url: `${server.url}/r/1`, follow_redirects: false, expected_status_codes: [302] })
    expect(r).toMatchObject({ status: 'up', http_status: 302, redirect_count: 0 })
  })

  it('sends method, body and custom headers, with our User-Agent unless overridden', async () => {
    seen.length = 0
    await check({
      url: `${server.url}/`,
      method: 'POST',
      body: '{"a":1}',
      custom_headers: { 'X-Token': 't', 'Content-Type': 'application/json' },
    })
    expect(seen[0]).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { 'x-token': 't', 'user-agent': 'WhatIsUp-Probe/0.1' },
    })
    await check({ url: `${server.url}/`, custom_headers: { 'User-Agent': 'mine/1' } })
    expect(seen[1]?.headers['user-agent']).toBe('mine/1')
  })

  it('continues a 303 after POST as a GET without body', async () => {
    seen.length = 0
    const r = await check({ url: `${server.url}/see-other`, method: 'POST', body: 'x' })
    expect(r).toMatchObject({ status: 'up', redirect_count: 1 })
    expect(seen.map((s) => [s.method, s.body])).toEqual([
      ['POST', 'x'],
      ['GET', ''],
    ])
  })

  it('stops reading the body at 1 MiB without failing', async () => {
    const r = await check({ url: `${server.url}/huge`, timeout_seconds: 5 })
    expect(r).toMatchObject({ status: 'up', http_status: 200 })
    expect(r.latency_ms).toBeLessThan(4000)
  })

  it('is down with phase timeout within the deadline when the server never answers', async () => {
    const silent = await startSilent()
    try {
      const started = Date.now()
      const r = await check({ url: `${silent.url}/`, timeout_seconds: 1 })
      const elapsed = Date.now() - started
      expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' } })
      expect(r.failure?.message).toContain('response')
      expect(elapsed).toBeGreaterThanOrEqual(990)
      expect(elapsed).toBeLessThan(1500)
      expect(r.timings?.connect_ms).toBeGreaterThanOrEqual(0)
    } finally {
      await silent.close()
    }
  })

  it('is down with phase connect when the connection is refused', async () => {
    const port = await closedPort()
    const r = await check({ url: `http://127.0.0.1:${port}/` })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'connect' } })
    expect(r.failure?.message).toContain('ECONNREFUSED')
  })

  it('is down with phase dns when the name does not resolve', async () => {
    const r = await check({ url: 'http://name-that-does-not-exist.invalid/', timeout_seconds: 5 })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'dns' } })
  })
})
