import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net'
import type { KeyPair } from './certs.js'

export interface Running {
  url: string
  port: number
  close(): Promise<void>
}

type AnyServer = Server | TcpServer

async function listen(server: AnyServer, host: string): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return { port: address.port, close }
}

/** A real HTTP server on 127.0.0.1 (or `::1`); closing it also drops open connections. */
export async function startHttp(handler: RequestListener, host = '127.0.0.1'): Promise<Running> {
  const { port, close } = await listen(createHttpServer(handler), host)
  const h = host.includes(':') ? `[${host}]` : host
  return { url: `http://${h}:${port}`, port, close }
}

export async function startHttps(pair: KeyPair, handler: RequestListener): Promise<Running> {
  const { port, close } = await listen(createHttpsServer({ key: pair.key, cert: pair.cert }, handler), '127.0.0.1')
  return { url: `https://127.0.0.1:${port}`, port, close }
}

/** Accepts connections and never says a word: the shape of a hung backend. */
export async function startSilent(): Promise<Running> {
  const { port, close } = await listen(
    createTcpServer(() => {}),
    '127.0.0.1',
  )
  return { url: `http://127.0.0.1:${port}`, port, close }
}

/** A port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = await startSilent()
  await server.close()
  return server.port
}
