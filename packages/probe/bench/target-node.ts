/** Fallback benchmark target when nginx is absent: 200 "ok" on every path, keep-alive off. */
import { createServer as createHttp } from 'node:http'
import { createServer as createHttps } from 'node:https'

const port = Number(process.env.BENCH_PORT)
const tls = process.env.BENCH_TLS ? (JSON.parse(process.env.BENCH_TLS) as { key: string; cert: string }) : undefined
const handler = (_req: unknown, res: import('node:http').ServerResponse) => {
  res.setHeader('connection', 'close')
  res.end('ok\n')
}
const server = tls ? createHttps(tls, handler) : createHttp(handler)
server.keepAliveTimeout = 0
server.listen(port, '127.0.0.1')
process.on('SIGTERM', () => server.close(() => process.exit(0)))
