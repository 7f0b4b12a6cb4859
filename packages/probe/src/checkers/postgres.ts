import type { Socket } from 'node:net'
import pg from 'pg'
import {
  dialService,
  type ServiceCheckerOptions,
  type ServiceValue,
  type Session,
  serviceChecker,
  startTls,
  timed,
} from './service-common.js'
import { errorMessage, PhaseError } from './trace.js'
import type { Checker, ProbeMonitor } from './types.js'

/** SSLRequest: length 8, then the magic code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])
/** Every column as the server's own text: `expected_value` is compared with what psql would print. */
const RAW_TEXT = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig

/**
 * PostgreSQL: log in, run `query`, compare the first column of the first row (as text) with
 * `expected_value`. The server enforces the timeout too (`statement_timeout`), so a slow query is
 * cancelled there instead of piling up behind the probe's closed connections.
 */
export function createPostgresChecker(options: ServiceCheckerOptions = {}): Checker<'postgres'> {
  return serviceChecker('postgres', options, query)
}

async function query(m: ProbeMonitor<'postgres'>, session: Session): Promise<ServiceValue> {
  const target = { host: m.host, port: m.port, secure: false }
  let socket: Socket = await dialService(session, target)
  if (m.tls) {
    await requestTls(session, socket)
    socket = await startTls(session, socket, { ...target, secure: true })
  }
  session.step = 'login'
  const client = new pg.Client({
    stream: () => preconnected(socket),
    host: m.host,
    port: m.port,
    database: m.database,
    user: m.username ?? 'postgres',
    // A function, never a missing value: pg would fall back to PGPASSWORD and ~/.pgpass of the
    // probe's own machine and send those to the target.
    password: () => m.password ?? '',
    // TLS, if any, is already up on `socket`; pg must not negotiate it again (nor read PGSSLMODE).
    ssl: false,
    sslnegotiation: 'postgres',
    application_name: 'whatisup-probe',
    connectionTimeoutMillis: session.timeoutMs,
    statement_timeout: session.timeoutMs,
    types: RAW_TEXT,
  })
  // After the check ended (deadline, destroyed socket) pg may still emit; nobody is listening then.
  client.on('error', () => {})
  client.connection.on('parameterStatus', (msg: { parameterName?: string; parameterValue?: string }) => {
    if (msg.parameterName === 'server_version') session.details.server_version = msg.parameterValue
  })
  try {
    await client.connect()
  } catch (e) {
    throw new PhaseError('response', `login failed: ${errorMessage(e)}`)
  }
  const answer = await timed(session, 'query', async () => {
    try {
      return await client.query<unknown[]>({ text: m.query, rowMode: 'array' })
    } catch (e) {
      throw new PhaseError('response', `query failed: ${errorMessage(e)}`)
    }
  })
  client.end().catch(() => {})
  // Several statements give one result each; the last one is what the query was for.
  const results = (Array.isArray(answer) ? answer : [answer]) as pg.QueryResult<unknown[]>[]
  const last = results[results.length - 1]
  const rows = last?.rows ?? []
  session.details.rows = rows.length
  const first = rows[0]?.[0]
  return first === undefined ? undefined : first === null ? null : String(first)
}

/** Asks for TLS the PostgreSQL way; the server answers one byte, `S` (go ahead) or `N`. */
function requestTls(session: Session, socket: Socket): Promise<void> {
  session.trace.phase = 'tls'
  session.step = 'TLS negotiation'
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off('data', onData)
      socket.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      cleanup()
      // Bytes after the `S` would be unencrypted data injected ahead of the handshake (CVE-2021-23214).
      if (chunk.length === 1 && chunk[0] === 0x53) return resolve()
      if (chunk[0] === 0x4e) return reject(new PhaseError('tls', 'the server does not accept TLS connections'))
      reject(new PhaseError('tls', 'unexpected answer to the TLS request: not a PostgreSQL server?'))
    }
    const onClose = () => {
      cleanup()
      reject(new PhaseError('tls', 'connection closed during the TLS request'))
    }
    socket.on('data', onData)
    socket.once('close', onClose)
    socket.write(SSL_REQUEST)
  })
}

/**
 * pg always calls `stream.connect()` and waits for `connect`; this socket is already connected (to
 * the vetted address), so the call only reports that.
 */
function preconnected(socket: Socket): Socket {
  socket.connect = (() => {
    process.nextTick(() => socket.emit('connect'))
    return socket
  }) as Socket['connect']
  return socket
}
