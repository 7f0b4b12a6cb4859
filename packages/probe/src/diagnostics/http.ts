import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type Socket } from 'node:net'
import { DIAGNOSTIC_MAX_HEADERS, type HttpPayloadDto } from '@whatisup/shared'
import { AGENT_USER_AGENT } from '../agent/api.js'
import { allowedAddresses, type Collector, capRaw, DiagnosticError, roundMs } from './collector.js'

/**
 * One GET to the monitor's URL on the target's first allowed address, no redirect followed, no
 * credential sent: the status line, the first 40 response headers and the timings. The body is
 * never read. A certificate problem does not stop it (the `tls` collector reports it).
 */
export function httpCollector(): Collector<'http'> {
  return async ({ target, policy, signal }) => {
    if (!target.url) throw new DiagnosticError('not_applicable: no URL')
    const url = new URL(target.url)
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new DiagnosticError('not_applicable: not an HTTP URL')
    const started = performance.now()
    const [address = ''] = await allowedAddresses(target.host, policy)
    const dnsMs = isIP(target.host) ? null : roundMs(performance.now() - started)
    const payload = await exchange(url, address, dnsMs, signal)
    const raw = [payload.status_line, ...payload.headers.map(([k, v]) => `${k}: ${v}`)].join('\n')
    return { payload, raw: capRaw(raw), error: null }
  }
}

function exchange(url: URL, address: string, dnsMs: number | null, signal: AbortSignal): Promise<HttpPayloadDto> {
  const secure = url.protocol === 'https:'
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    let connectMs = 0
    let tlsMs: number | null = null
    const req = (secure ? httpsRequest : httpRequest)({
      host: address,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { host: url.host, 'user-agent': AGENT_USER_AGENT, accept: '*/*', connection: 'close' },
      agent: false,
      signal,
      ...(secure ? { servername: isIP(hostname) ? '' : hostname, rejectUnauthorized: false } : {}),
    })
    req.once('socket', (socket: Socket) => {
      socket.once('connect', () => {
        connectMs = roundMs(performance.now() - t0)
      })
      socket.once('secureConnect', () => {
        tlsMs = roundMs(performance.now() - t0 - connectMs)
      })
    })
    req.once('error', (e) => reject(signal.aborted ? new DiagnosticError('timeout') : e))
    req.once('response', (res: IncomingMessage) => {
      const ttfb = roundMs(performance.now() - t0)
      const pairs: [string, string][] = []
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        pairs.push([(res.rawHeaders[i] ?? '').slice(0, 256), (res.rawHeaders[i + 1] ?? '').slice(0, 2048)])
      }
      const status = res.statusCode ?? 0
      resolve({
        address,
        status_line: `HTTP/${res.httpVersion} ${status} ${res.statusMessage ?? ''}`.trim().slice(0, 300),
        status_code: status,
        headers: pairs.slice(0, DIAGNOSTIC_MAX_HEADERS),
        headers_truncated: pairs.length > DIAGNOSTIC_MAX_HEADERS,
        timings: { dns_ms: dnsMs, connect_ms: connectMs, tls_ms: secure ? tlsMs : null, ttfb_ms: ttfb },
      })
      res.destroy()
      req.destroy()
    })
    req.end()
  })
}
