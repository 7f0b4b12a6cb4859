import { rootCertificates, TLSSocket } from 'node:tls'
import { type Connection, createConnection, type FieldPacket, type QueryError } from 'mysql2'
import {
  dialService,
  type ServiceCheckerOptions,
  type ServiceValue,
  type Session,
  serviceChecker,
  timed,
} from './service-common.js'
import { readTls } from './tls-info.js'
import { errorMessage, PhaseError } from './trace.js'
import type { Checker, ProbeMonitor } from './types.js'

/** Node's certificate and handshake error codes, plus mysql2's "the server has no TLS". */
const TLS_ERROR = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ALTNAME|EPROTO/

/**
 * MySQL / MariaDB: log in, run `query`, compare the first column of the first row (as the
 * server's text) with `expected_value`. TLS is negotiated inside the MySQL protocol, so mysql2 does
 * it on the vetted socket; its duration is part of the login and not reported as `tls_ms`.
 */
export function createMysqlChecker(options: ServiceCheckerOptions = {}): Checker<'mysql'> {
  // mysql2 builds its own TLS context; `ca` replaces the trust store, so the bundled roots stay.
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined
  return serviceChecker('mysql', options, (m, session) => query(m, session, ca))
}

async function query(m: ProbeMonitor<'mysql'>, session: Session, ca: string[] | undefined): Promise<ServiceValue> {
  const socket = await dialService(session, { host: m.host, port: m.port, secure: false })
  session.step = 'login'
  session.trace.phase = 'request'
  const conn = createConnection({
    stream: socket,
    // Not dialled (the stream is connected): the name the certificate is verified against.
    host: m.host,
    port: m.port,
    user: m.username ?? 'root',
    password: m.password ?? '',
    ...(m.database ? { database: m.database } : {}),
    connectTimeout: session.timeoutMs,
    ...(m.tls ? { ssl: sslOptions(m.ignore_tls_errors, ca) } : {}),
  })
  // Errors after the check ended (deadline, destroyed socket) have nobody left to tell.
  conn.on('error', () => {})
  session.trace.scope.onAbort(() => conn.destroy())
  await login(conn, m.tls)
  const stream = (conn as unknown as { stream?: unknown }).stream
  if (stream instanceof TLSSocket) {
    const facts = readTls(stream, m.host, session.trace.clock.now())
    if (facts) {
      session.trace.tls = facts.info
      session.trace.cert = facts.cert
    }
  }
  const version = (conn as unknown as { _handshakePacket?: { serverVersion?: unknown } })._handshakePacket
  if (typeof version?.serverVersion === 'string') {
    // MariaDB prefixes "5.5.5-" so that old MySQL clients accept it; the rest is the real version.
    session.details.server_version = version.serverVersion.replace(/^5\.5\.5-(?=.*MariaDB)/, '')
  }
  const rows = await timed(session, 'query', () => run(conn, m.query))
  conn.end(() => {})
  session.details.rows = rows.length
  const first = rows[0]?.[0]
  if (first === undefined) return undefined
  return Buffer.isBuffer(first) ? first.toString('utf8') : first === null ? null : String(first)
}

function sslOptions(ignoreErrors: boolean, ca: string[] | undefined) {
  // mysql2 does not check the host name unless asked (verifyIdentity) for backwards compatibility.
  const verify = { rejectUnauthorized: !ignoreErrors, verifyIdentity: !ignoreErrors }
  return ca ? { ...verify, ca } : verify
}

function login(conn: Connection, tls: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    conn.connect((e: QueryError | null) => {
      if (!e) return resolve()
      const code = typeof e.code === 'string' ? e.code : ''
      const isTls = tls && (code === 'HANDSHAKE_NO_SSL_SUPPORT' || (!('sqlState' in e) && TLS_ERROR.test(code)))
      reject(
        isTls ? new PhaseError('tls', errorMessage(e)) : new PhaseError('response', `login failed: ${errorMessage(e)}`),
      )
    })
  })
}

/** Rows as arrays of the raw column bytes: no driver conversion between the server's text and the comparison. */
function run(conn: Connection, sql: string): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    conn.query(
      { sql, rowsAsArray: true, typeCast: (field) => field.buffer() },
      (e: QueryError | null, rows: unknown, _fields: FieldPacket[]) => {
        if (e) return reject(new PhaseError('response', `query failed: ${errorMessage(e)}`))
        // A statement without a result set (UPDATE, SET) answers with a header, not rows.
        resolve(Array.isArray(rows) ? (rows as unknown[][]) : [])
      },
    )
  })
}
