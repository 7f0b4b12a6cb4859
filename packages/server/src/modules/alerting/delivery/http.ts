import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { DeliveryError, permanentStatus } from './errors.js'
import { checkUrl, resolveTarget } from './ssrf.js'

export interface HttpRequest {
  url: string
  method?: 'POST' | 'PUT'
  headers?: Record<string, string>
  /** Text, or bytes (an encrypted Web Push payload). */
  body?: string | Buffer
  timeoutMs?: number
}

export interface HttpReply {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

const MAX_BODY = 64 * 1024

/**
 * One HTTP request to a validated address: the URL is checked (scheme, no credentials), its host
 * resolved and every address judged by the SSRF rules, and the socket dials exactly that address
 * (TLS still verifies the certificate against the host name). Redirects are never followed.
 */
export async function httpSend(req: HttpRequest, opts: { allowLan: boolean }): Promise<HttpReply> {
  const u = checkUrl(req.url)
  const target = await resolveTarget(u.hostname, opts)
  const pinned: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as never as (e: null, a: object[]) => void)(null, [target])
    else cb(null, target.address, target.family)
  }
  const body = req.body ?? ''
  const mod = u.protocol === 'https:' ? https : http
  return new Promise<HttpReply>((resolve, reject) => {
    const r = mod.request(u, {
      method: req.method ?? 'POST',
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      agent: false,
      timeout: req.timeoutMs ?? 10_000,
    })
    r.on('timeout', () => r.destroy(new DeliveryError(`timed out after ${req.timeoutMs ?? 10_000} ms`, false)))
    r.on('error', (err: NodeJS.ErrnoException) =>
      reject(err instanceof DeliveryError ? err : new DeliveryError(err.code ?? err.message, false)),
    )
    r.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c)
        size += c.length
      })
      res.on('error', (err) => reject(new DeliveryError(err.message, false)))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY),
        }),
      )
    })
    r.end(body)
  })
}

/** Throws a classified DeliveryError unless the reply is 2xx; returns a short description. */
export function expectOk(reply: HttpReply): string {
  if (reply.status >= 200 && reply.status < 300) return `HTTP ${reply.status}`
  const retry = Number(reply.headers['retry-after'])
  const text = reply.body.replace(/\s+/g, ' ').trim().slice(0, 200)
  throw new DeliveryError(
    `HTTP ${reply.status}${text ? `: ${text}` : ''}`,
    reply.status < 400 || permanentStatus(reply.status),
    Number.isFinite(retry) && retry > 0 ? retry * 1000 : null,
  )
}
