import type { z } from 'zod'
import { httpSettings } from './http.js'
import {
  dnsSettings,
  domainExpirySettings,
  pingSettings,
  smtpSettings,
  tcpSettings,
  udpSettings,
  websocketSettings,
} from './network.js'
import { compositeSettings, heartbeatSettings, manualSettings } from './server-side.js'
import { mqttSettings, mysqlSettings, postgresSettings, redisSettings } from './services.js'

export * from './fields.js'
export * from './http.js'
export * from './network.js'
export * from './server-side.js'
export * from './services.js'

/**
 * Every check kind the product knows. Registries are `Record<CheckKind, …>` so a new kind fails
 * the build until the probe, the server and the web app all handle it.
 */
export const CHECK_KINDS = [
  'http',
  'tcp',
  'udp',
  'dns',
  'smtp',
  'ping',
  'domain_expiry',
  'websocket',
  'postgres',
  'mysql',
  'redis',
  'mqtt',
  'heartbeat',
  'composite',
  'manual',
] as const
export type CheckKind = (typeof CHECK_KINDS)[number]

/** Each kind's settings shape, exactly typed (the registry below holds the metadata). */
export const KIND_SETTINGS = {
  http: httpSettings,
  tcp: tcpSettings,
  udp: udpSettings,
  dns: dnsSettings,
  smtp: smtpSettings,
  ping: pingSettings,
  domain_expiry: domainExpirySettings,
  websocket: websocketSettings,
  postgres: postgresSettings,
  mysql: mysqlSettings,
  redis: redisSettings,
  mqtt: mqttSettings,
  heartbeat: heartbeatSettings,
  composite: compositeSettings,
  manual: manualSettings,
} as const satisfies Record<CheckKind, z.ZodRawShape>

/** Parsed settings of one kind. @example const s: KindSettings<'tcp'> = { host: 'db', port: 5432, … } */
export type KindSettings<K extends CheckKind> = z.output<z.ZodObject<(typeof KIND_SETTINGS)[K]>>

export interface KindInfo {
  /** Kind-specific settings (zod shape), merged flat into the monitor object. */
  settings: z.ZodRawShape
  /** `server` kinds (heartbeat, composite, manual) are never sent to probes. */
  runsOn: 'probe' | 'server'
  /** Condition placeholders this kind provides beyond the built-ins (values in `ctx.values`). */
  placeholders: readonly string[]
  /** Dotted paths of secret settings: encrypted at rest, masked ("") in API answers. */
  secrets: readonly string[]
  minIntervalSeconds: number
  /** A one-line description of what is checked, for lists and search (`tcp://db:5432`). */
  target(settings: Record<string, unknown>): string
}

const hostPort = (scheme: string) => (s: Record<string, unknown>) => `${scheme}://${fmtHost(s.host)}:${String(s.port)}`
const fmtHost = (h: unknown) => (typeof h === 'string' && h.includes(':') ? `[${h}]` : String(h))

/**
 * The registry of kinds.
 *
 * @example
 * KINDS.tcp.target({ host: 'db', port: 5432 }) === 'tcp://db:5432'
 */
export const KINDS: Record<CheckKind, KindInfo> = {
  http: {
    settings: httpSettings,
    runsOn: 'probe',
    placeholders: [],
    secrets: ['auth.password', 'auth.token', 'client_cert.key'],
    minIntervalSeconds: 10,
    target: (s) => String(s.url),
  },
  tcp: {
    settings: tcpSettings,
    runsOn: 'probe',
    placeholders: [],
    secrets: [],
    minIntervalSeconds: 10,
    target: hostPort('tcp'),
  },
  udp: {
    settings: udpSettings,
    runsOn: 'probe',
    placeholders: ['RESULT'],
    secrets: [],
    minIntervalSeconds: 10,
    target: hostPort('udp'),
  },
  dns: {
    settings: dnsSettings,
    runsOn: 'probe',
    placeholders: ['DNS_ANSWERS'],
    secrets: [],
    minIntervalSeconds: 10,
    target: (s) => `dns://${String(s.hostname)}/${String(s.record_type)}`,
  },
  smtp: {
    settings: smtpSettings,
    runsOn: 'probe',
    placeholders: ['BANNER'],
    secrets: [],
    minIntervalSeconds: 10,
    target: hostPort('smtp'),
  },
  ping: {
    settings: pingSettings,
    runsOn: 'probe',
    placeholders: ['PACKET_LOSS', 'RTT_AVG', 'RTT_MAX'],
    secrets: [],
    minIntervalSeconds: 10,
    target: (s) => `ping://${fmtHost(s.host)}`,
  },
  domain_expiry: {
    settings: domainExpirySettings,
    runsOn: 'probe',
    placeholders: [],
    secrets: [],
    minIntervalSeconds: 3600,
    target: (s) => `domain://${String(s.domain)}`,
  },
  websocket: {
    settings: websocketSettings,
    runsOn: 'probe',
    placeholders: [],
    secrets: [],
    minIntervalSeconds: 10,
    target: (s) => String(s.url),
  },
  postgres: {
    settings: postgresSettings,
    runsOn: 'probe',
    placeholders: ['RESULT'],
    secrets: ['password'],
    minIntervalSeconds: 10,
    target: hostPort('postgres'),
  },
  mysql: {
    settings: mysqlSettings,
    runsOn: 'probe',
    placeholders: ['RESULT'],
    secrets: ['password'],
    minIntervalSeconds: 10,
    target: hostPort('mysql'),
  },
  redis: {
    settings: redisSettings,
    runsOn: 'probe',
    placeholders: ['RESULT'],
    secrets: ['password'],
    minIntervalSeconds: 10,
    target: hostPort('redis'),
  },
  mqtt: {
    settings: mqttSettings,
    runsOn: 'probe',
    placeholders: ['RESULT'],
    secrets: ['password'],
    minIntervalSeconds: 10,
    target: hostPort('mqtt'),
  },
  heartbeat: {
    settings: heartbeatSettings,
    runsOn: 'server',
    placeholders: [],
    secrets: [],
    minIntervalSeconds: 10,
    target: () => 'heartbeat',
  },
  composite: {
    settings: compositeSettings,
    runsOn: 'server',
    placeholders: [],
    secrets: [],
    minIntervalSeconds: 10,
    target: () => 'composite',
  },
  manual: {
    settings: manualSettings,
    runsOn: 'server',
    placeholders: [],
    secrets: [],
    minIntervalSeconds: 10,
    target: () => 'manual',
  },
}

/** Kinds the server evaluates itself; every other kind runs on probes. */
export const SERVER_KINDS = ['heartbeat', 'composite', 'manual'] as const satisfies readonly CheckKind[]
export type ProbeKind = Exclude<CheckKind, (typeof SERVER_KINDS)[number]>
export const PROBE_KINDS = CHECK_KINDS.filter((k): k is ProbeKind => KINDS[k].runsOn === 'probe')
