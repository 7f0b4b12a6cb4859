import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http'
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https'
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
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

/** `extra` adds server options, e.g. `requestCert`/`ca` for mutual TLS or a `cert` with its chain. */
export async function startHttps(pair: KeyPair, handler: RequestListener, extra: HttpsOptions = {}): Promise<Running> {
  const server = createHttpsServer({ key: pair.key, cert: pair.cert, ...extra }, handler)
  const { port, close } = await listen(server, '127.0.0.1')
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

/** A raw TCP server on 127.0.0.1 (or `::1`) calling `handler` per connection; `url` is `tcp://…`. */
export async function startTcp(handler: (socket: Socket) => void, host = '127.0.0.1'): Promise<Running> {
  // The checker may reset the connection at any time: that is not the test server's failure.
  const server = createTcpServer((socket) => {
    socket.on('error', () => {})
    handler(socket)
  })
  const { port, close } = await listen(server, host)
  return { url: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close }
}

/** A TLS server (no HTTP) on 127.0.0.1; `extra` passes e.g. `requestCert` and `ca` for mutual TLS. */
export async function startTls(
  pair: KeyPair,
  handler: (socket: TLSSocket) => void,
  extra: { requestCert?: boolean; ca?: string[] } = {},
): Promise<Running> {
  const server = createTlsServer({ key: pair.key, cert: pair.cert, ...extra }, (socket) => {
    socket.on('error', () => {})
    handler(socket)
  })
  server.on('tlsClientError', () => {})
  const { port, close } = await listen(server as unknown as TcpServer, '127.0.0.1')
  return { url: `tls://127.0.0.1:${port}`, port, close }
}
