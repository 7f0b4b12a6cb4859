import { execFileSync } from 'node:child_process'
import { createServer } from 'node:net'
import type { DiagnosticResult } from '@whatisup/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import { type DnsServer, startDnsServer } from '../../test/helpers/dns-server.js'
import { type Running, startHttps, startSilent } from '../../test/helpers/servers.js'
import type { NetworkPolicy } from '../checkers/types.js'
import { capRaw } from './collector.js'
import { createCollectors, runDiagnostics } from './run.js'
import { parseTracepath, parseTraceroute } from './traceroute.js'

const internal: NetworkPolicy = { allowPrivate: true }
const external: NetworkPolicy = { allowPrivate: false }

let certs: TestCerts
let https: Running
let dns: DnsServer

beforeAll(async () => {
  certs = await makeTestCerts()
  https = await startHttps(certs.valid, (_req, res) => {
    for (let i = 0; i < 45; i++) res.setHeader(`x-extra-${i}`, String(i))
    res.writeHead(503, 'Service Unavailable', { 'content-type': 'text/plain' })
    res.end('down for maintenance')
  })
  dns = await startDnsServer({
    'shop.test': {
      records: [
        { type: 'A', value: '192.0.2.10' },
        { type: 'AAAA', value: '2001:db8::10' },
      ],
    },
    'www.shop.test': { records: [{ type: 'CNAME', value: 'shop.test' }] },
  })
}, 30_000)
afterAll(async () => {
  await https.close()
  await dns.close()
  await certs.cleanup()
})

const run = (
  kinds: DiagnosticResult['kind'][],
  target: Parameters<typeof runDiagnostics>[0]['target'],
  policy = internal,
) => runDiagnostics({ target, kinds, policy })
const byKind = (results: DiagnosticResult[]) => Object.fromEntries(results.map((r) => [r.kind, r]))
const installed = (tool: string) => {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('traceroute parsing, on output captured from the real tools', () => {
  it('reads traceroute -n -q 1 hops, silent hops included', () => {
    const captured = 'traceroute to 127.0.0.1 (127.0.0.1), 20 hops max, 60 byte packets\n 1  127.0.0.1  0.116 ms\n'
    expect(parseTraceroute(captured)).toEqual([{ n: 1, ip: '127.0.0.1', rtt_ms: 0.12 }])
    // Same tool and flags, a hop that did not answer within -w 2.
    expect(parseTraceroute(' 1  10.0.0.1  0.512 ms\n 2  *\n 3  192.0.2.1  4.211 ms\n')).toEqual([
      { n: 1, ip: '10.0.0.1', rtt_ms: 0.51 },
      { n: 2, ip: null, rtt_ms: null },
      { n: 3, ip: '192.0.2.1', rtt_ms: 4.21 },
    ])
  })

  it('reads tracepath -n hops, skipping the MTU probe line and keeping one line per hop', () => {
    const loopback =
      ' 1:  127.0.0.1                                             0.276ms reached\n     Resume: pmtu 65535 hops 1 back 1 \n'
    expect(parseTracepath(loopback)).toEqual([{ n: 1, ip: '127.0.0.1', rtt_ms: 0.28 }])
    const remote =
      ' 1?: [LOCALHOST]                      pmtu 1400\n 1:  192.0.2.1                                            22.097ms reached\n 1:  192.0.2.1                                             3.834ms reached\n     Resume: pmtu 1400 hops 1 back 1 \n'
    expect(parseTracepath(remote)).toEqual([{ n: 1, ip: '192.0.2.1', rtt_ms: 22.1 }])
    expect(parseTracepath(' 2:  no reply\n')).toEqual([{ n: 2, ip: null, rtt_ms: null }])
  })
})

describe('collectors against 127.0.0.1', () => {
  it.runIf(installed('traceroute') || installed('tracepath'))('traces the path with the installed tool', async () => {
    const [r] = await run(['traceroute'], { host: '127.0.0.1' })
    expect(r).toMatchObject({ kind: 'traceroute', error: null })
    const payload = r?.kind === 'traceroute' ? r.payload : null
    expect(payload).toMatchObject({ target_ip: '127.0.0.1', reached: true })
    expect(payload?.hops.at(-1)).toMatchObject({ ip: '127.0.0.1', rtt_ms: expect.any(Number) })
    expect(r?.raw).toContain('127.0.0.1')
  })

  it('reports a missing traceroute binary as that result only; the others still run', async () => {
    const collectors = createCollectors({ tools: [{ path: '/nonexistent/traceroute', tool: 'traceroute' }] })
    const results = byKind(
      await runDiagnostics({
        target: { host: '127.0.0.1' },
        kinds: ['traceroute', 'ping'],
        policy: internal,
        collectors,
      }),
    )
    expect(results.traceroute).toMatchObject({ payload: null, error: 'binary_missing:traceroute' })
    expect(results.ping).toMatchObject({ error: null, payload: { address: '127.0.0.1', transmitted: 5, received: 5 } })
  })

  it('pings with the system ping and its summary parsed', async () => {
    const [r] = await run(['ping'], { host: '127.0.0.1' })
    expect(r?.payload).toEqual({
      address: '127.0.0.1',
      transmitted: 5,
      received: 5,
      loss_pct: 0,
      rtt_min_ms: expect.any(Number),
      rtt_avg_ms: expect.any(Number),
      rtt_max_ms: expect.any(Number),
    })
    expect(r?.raw).toContain('5 packets transmitted')
    expect(r?.collected_at).toBeGreaterThan(0)
  })

  it('resolves A/AAAA/CNAME through the system resolver and the monitor resolvers, with timings', async () => {
    const [r] = await run(['dns'], { host: 'shop.test', resolvers: [dns.address] })
    const answers = r?.kind === 'dns' ? r.payload?.answers : undefined
    const mine = answers?.find((a) => a.resolver === dns.address)
    expect(mine).toEqual({
      resolver: dns.address,
      ms: expect.any(Number),
      a: ['192.0.2.10'],
      aaaa: ['2001:db8::10'],
      cname: [],
      error: null,
    })
    expect(answers?.[0]?.resolver).toBe('system')
    expect(dns.queries).toEqual(expect.arrayContaining(['shop.test/A', 'shop.test/AAAA', 'shop.test/CNAME']))
    expect(r?.raw).toContain(`${dns.address} (`)

    const [alias] = await run(['dns'], { host: 'www.shop.test', resolvers: [dns.address] })
    const viaAlias = alias?.kind === 'dns' ? alias.payload?.answers.find((a) => a.resolver === dns.address) : undefined
    expect(viaAlias?.cname).toEqual(['shop.test'])

    const [local] = await run(['dns'], { host: 'localhost' })
    const system = local?.kind === 'dns' ? local.payload?.answers[0] : undefined
    expect(system?.a).toContain('127.0.0.1')
  })

  it('captures the TLS handshake and the HTTP response head of a local HTTPS server', async () => {
    const target = { host: '127.0.0.1', port: https.port, url: `${https.url}/health?probe=1` }
    const results = byKind(await run(['tls', 'http'], target))
    expect(results.tls).toMatchObject({ error: null })
    expect(results.tls?.payload).toMatchObject({
      address: '127.0.0.1',
      protocol: 'TLSv1.3',
      cipher: expect.stringMatching(/^TLS_/),
      // The probe's trust store does not know the test CA: reported, not fatal.
      authorized: false,
      verify_error: expect.stringMatching(/^[A-Z_]+$/),
      chain: [
        {
          subject: expect.stringContaining('CN=valid'),
          issuer: expect.stringContaining('CN=WhatIsUp Test CA'),
          valid_from: expect.any(String),
          valid_to: expect.any(String),
        },
      ],
    })
    const validTo = results.tls?.kind === 'tls' ? results.tls.payload?.chain[0]?.valid_to : undefined
    expect(Date.parse(validTo ?? '') - Date.now()).toBeGreaterThan(29 * 86_400_000)

    const http = results.http?.kind === 'http' ? results.http.payload : null
    expect(http).toMatchObject({
      address: '127.0.0.1',
      status_line: 'HTTP/1.1 503 Service Unavailable',
      status_code: 503,
      headers_truncated: true,
      timings: {
        dns_ms: null,
        connect_ms: expect.any(Number),
        tls_ms: expect.any(Number),
        ttfb_ms: expect.any(Number),
      },
    })
    expect(http?.headers).toHaveLength(40)
    expect(http?.headers[0]).toEqual(['x-extra-0', '0'])
    expect(results.http?.raw?.split('\n')[0]).toBe('HTTP/1.1 503 Service Unavailable')
  })
})

describe('bounds', () => {
  it('an external probe refuses every collector toward a private target and sends nothing', async () => {
    const counter = await startCounter()
    const target = {
      host: '127.0.0.1',
      port: counter.port,
      url: `https://127.0.0.1:${counter.port}/`,
      resolvers: [dns.address],
    }
    const queriesBefore = dns.queries.length
    const results = await run(['traceroute', 'dns', 'ping', 'tls', 'http'], target, external)
    expect(results.map((r) => [r.kind, r.payload, r.error])).toEqual([
      ['traceroute', null, 'blocked_by_ssrf_guard'],
      ['dns', null, 'blocked_by_ssrf_guard'],
      ['ping', null, 'blocked_by_ssrf_guard'],
      ['tls', null, 'blocked_by_ssrf_guard'],
      ['http', null, 'blocked_by_ssrf_guard'],
    ])
    expect(counter.connections()).toBe(0)
    // A public name through a private resolver: the resolver is the private address here.
    const [viaPrivate] = await run(['dns'], { host: 'shop.test', resolvers: [dns.address] }, external)
    const entry =
      viaPrivate?.kind === 'dns' ? viaPrivate.payload?.answers.find((a) => a.resolver === dns.address) : undefined
    expect(entry?.error).toBe('blocked_by_ssrf_guard')
    expect(dns.queries.length).toBe(queriesBefore)
    // The self-hoster's PROBE_ALLOW_NETWORKS opens exactly what it lists.
    const [allowed] = await run(
      ['ping'],
      { host: '127.0.0.1' },
      { allowPrivate: false, allowNetworks: ['127.0.0.0/8'] },
    )
    expect(allowed?.error).toBeNull()
    await counter.close()
  })

  it('stops a collector at its deadline and says so', async () => {
    const silent = await startSilent()
    const started = Date.now()
    const [r] = await runDiagnostics({
      target: { host: '127.0.0.1', port: silent.port },
      kinds: ['tls'],
      policy: internal,
      timeoutMs: 300,
    })
    expect(r).toMatchObject({ kind: 'tls', payload: null, error: 'timeout' })
    expect(Date.now() - started).toBeLessThan(3000)
    await silent.close()
  })

  it('keeps at most 8 KiB of raw output', () => {
    const cut = capRaw('é'.repeat(10_000))
    expect(Buffer.byteLength(cut.replace('\n[truncated]', ''))).toBeLessThanOrEqual(8192)
    expect(cut.endsWith('[truncated]')).toBe(true)
    expect(capRaw('short')).toBe('short')
  })
})

/** A TCP server that only counts connections: proof that a refused collector sent nothing. */
async function startCounter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0
  const server = createServer((s) => {
    n++
    s.destroy()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  return {
    port,
    connections: () => n,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
