import websocket from '@fastify/websocket'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { WebSocket } from 'ws'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { authenticate } from '../auth/index.js'
import { RealtimeHub } from './realtime.hub.js'

export interface RealtimeOptions {
  /** The first frame must authenticate within this delay, or the socket closes. */
  authTimeoutMs: number
  maxConnectionsPerIp: number
  windowMs: number
  /** Pings keep proxies from closing idle sockets; a socket silent for a whole period is dropped. */
  pingMs: number
}

const DEFAULTS: RealtimeOptions = { authTimeoutMs: 5000, maxConnectionsPerIp: 20, windowMs: 250, pingMs: 30_000 }

const AuthFrame = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) })

/** Close codes in the private 4000–4999 range, mirrored by the web client. */
export const CLOSE = { unauthorized: 4401, tooMany: 4429, slowConsumer: 4408 } as const
/** A client that cannot keep up (1 MiB pending) is dropped; it will resync on reconnect. */
const MAX_BUFFERED = 1 << 20

/** `GET /ws`: the browser's live channel. The token travels in the first frame, never in the URL. */
export function realtimeRoutes(deps: Deps, options: Partial<RealtimeOptions> = {}): FastifyPluginAsyncZod {
  const opts = { ...DEFAULTS, ...options }
  return async (app) => {
    await app.register(websocket, { options: { maxPayload: 8192 } })
    const hub = new RealtimeHub(deps, { windowMs: opts.windowMs })
    const perIp = new Map<string, number>()
    app.addHook('onClose', async () => hub.close())

    app.get('/ws', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req) => {
      const ip = req.ip
      const count = perIp.get(ip) ?? 0
      if (count >= opts.maxConnectionsPerIp) {
        socket.close(CLOSE.tooMany, 'too many connections')
        return
      }
      perIp.set(ip, count + 1)
      let leave: (() => void) | null = null
      let authing = false
      const timer = deps.clock.setTimeout(() => socket.close(CLOSE.unauthorized, 'auth timeout'), opts.authTimeoutMs)
      let alive = true
      let ping = deps.clock.setTimeout(function beat() {
        if (!alive) return socket.terminate()
        alive = false
        socket.ping()
        ping = deps.clock.setTimeout(beat, opts.pingMs)
      }, opts.pingMs)
      socket.on('pong', () => {
        alive = true
      })

      socket.on('close', () => {
        deps.clock.clearTimeout(timer)
        deps.clock.clearTimeout(ping)
        leave?.()
        const n = (perIp.get(ip) ?? 1) - 1
        if (n <= 0) perIp.delete(ip)
        else perIp.set(ip, n)
      })
      socket.on('message', (raw) => {
        if (leave || authing) return // after auth the channel is server → client only
        authing = true
        void onAuth(raw.toString())
      })

      async function onAuth(text: string): Promise<void> {
        let parsed: z.infer<typeof AuthFrame>
        try {
          parsed = AuthFrame.parse(JSON.parse(text))
        } catch {
          socket.close(CLOSE.unauthorized, 'first frame must be {type:"auth",token}')
          return
        }
        try {
          const ctx = await authenticate(deps, parsed.token)
          deps.clock.clearTimeout(timer)
          if (socket.readyState !== socket.OPEN) return
          leave = hub.add({
            ctx,
            send: (frame) => {
              if (socket.bufferedAmount > MAX_BUFFERED) socket.close(CLOSE.slowConsumer, 'slow consumer')
              else socket.send(frame)
            },
          })
          socket.send(JSON.stringify({ type: 'hello', userId: ctx.userId }))
        } catch {
          socket.close(CLOSE.unauthorized, 'invalid token')
        }
      }
    })
  }
}
