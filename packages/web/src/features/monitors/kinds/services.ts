import type { KindSettings, MonitorOf } from '@whatisup/shared'
import {
  emptySecret,
  type FieldErrors,
  hostField,
  intIn,
  type NumInput,
  orNull,
  required,
  type SecretInput,
  secretOrNull,
} from './fields'

export type ServiceKind = 'postgres' | 'mysql' | 'redis' | 'mqtt'

/**
 * One state for the four service checks: they share the connection fields and differ in what they
 * ask once connected (`detail`: a database, a query, a command or a topic).
 */
export interface ServiceState {
  host: string
  port: NumInput
  username: string
  password: SecretInput
  tls: boolean
  ignore_tls_errors: boolean
  /** postgres/mysql */
  database: string
  /** redis */
  db: NumInput
  /** postgres/mysql: the query; redis: the command; mqtt: the topic. */
  request: string
  expected_value: string
}

export const DEFAULT_PORTS: Record<ServiceKind, number> = { postgres: 5432, mysql: 3306, redis: 6379, mqtt: 1883 }
const DEFAULT_REQUEST: Record<ServiceKind, string> = {
  postgres: 'SELECT 1',
  mysql: 'SELECT 1',
  redis: 'PING',
  mqtt: '',
}

export const emptyService = (kind: ServiceKind): ServiceState => ({
  host: '',
  port: DEFAULT_PORTS[kind],
  username: '',
  password: emptySecret(),
  tls: false,
  ignore_tls_errors: false,
  database: kind === 'postgres' ? 'postgres' : '',
  db: 0,
  request: DEFAULT_REQUEST[kind],
  expected_value: '',
})

type ServiceMonitor = MonitorOf<'postgres'> | MonitorOf<'mysql'> | MonitorOf<'redis'> | MonitorOf<'mqtt'>

export function serviceFromMonitor(m: ServiceMonitor): ServiceState {
  const common = {
    host: m.host,
    port: m.port,
    username: m.username ?? '',
    // The API answers a set password as "" and no password as null.
    password: emptySecret(m.password !== null),
    tls: m.tls,
    ignore_tls_errors: m.ignore_tls_errors,
    expected_value: m.expected_value ?? '',
    database: '',
    db: 0,
  }
  switch (m.check_type) {
    case 'postgres':
    case 'mysql':
      return { ...common, database: m.database ?? '', request: m.query }
    case 'redis':
      return { ...common, db: m.db, request: m.command }
    case 'mqtt':
      return { ...common, request: m.topic ?? '' }
  }
}

function connection(s: ServiceState, errors: FieldErrors) {
  return {
    host: hostField(errors, 'host', s.host),
    port: intIn(errors, 'port', s.port, 1, 65_535) ?? 0,
    username: orNull(s.username.trim()),
    password: secretOrNull(s.password),
    tls: s.tls,
    ignore_tls_errors: s.ignore_tls_errors,
    expected_value: orNull(s.expected_value),
  }
}

export const buildPostgres = (s: ServiceState, errors: FieldErrors): KindSettings<'postgres'> => ({
  ...connection(s, errors),
  database: required(errors, 'database', s.database),
  query: required(errors, 'query', s.request),
})

export const buildMysql = (s: ServiceState, errors: FieldErrors): KindSettings<'mysql'> => ({
  ...connection(s, errors),
  database: orNull(s.database.trim()),
  query: required(errors, 'query', s.request),
})

const READ_ONLY = /^(PING|GET|EXISTS|TTL|HGET|LLEN|SCARD|ZCARD|STRLEN|TYPE|INFO|DBSIZE)(\s.*)?$/i

export function buildRedis(s: ServiceState, errors: FieldErrors): KindSettings<'redis'> {
  const command = required(errors, 'command', s.request)
  if (command && !READ_ONLY.test(command)) errors.command = { key: 'redisCommand' }
  return { ...connection(s, errors), db: intIn(errors, 'db', s.db, 0, 255) ?? 0, command }
}

export const buildMqtt = (s: ServiceState, errors: FieldErrors): KindSettings<'mqtt'> => ({
  ...connection(s, errors),
  topic: orNull(s.request.trim()),
})
