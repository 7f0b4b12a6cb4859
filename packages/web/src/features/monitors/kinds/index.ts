import type { CheckKind, KindSettings, MonitorOf, ProbeKind } from '@whatisup/shared'
import { allOf, type FieldErrors, type HeaderRow } from './fields'
import { buildHttp, emptyHttp, HTTP_FIELDS, type HttpState, httpFromMonitor } from './http'
import {
  buildDns,
  buildDomainExpiry,
  buildPing,
  buildSmtp,
  buildTcp,
  buildUdp,
  buildWebsocket,
  type DnsState,
  type DomainExpiryState,
  dnsFromMonitor,
  domainExpiryFromMonitor,
  emptyDns,
  emptyDomainExpiry,
  emptyPing,
  emptySmtp,
  emptyTcp,
  emptyUdp,
  emptyWebsocket,
  type PingState,
  pingFromMonitor,
  type SmtpState,
  smtpFromMonitor,
  type TcpState,
  tcpFromMonitor,
  type UdpState,
  udpFromMonitor,
  type WebsocketState,
  websocketFromMonitor,
} from './network'
import {
  buildComposite,
  buildHeartbeat,
  buildManual,
  type CompositeState,
  compositeFromMonitor,
  emptyComposite,
  emptyHeartbeat,
  emptyManual,
  type HeartbeatState,
  heartbeatFromMonitor,
  type ManualState,
} from './server'
import {
  buildMqtt,
  buildMysql,
  buildPostgres,
  buildRedis,
  emptyService,
  type ServiceState,
  serviceFromMonitor,
} from './services'

/** Probe kinds the form creates, in picker order. */
export const FORM_KINDS = allOf<ProbeKind>()([
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
])

/** Kinds the server evaluates itself: no interval, timeout, probes or conditions in their form. */
export const SERVER_FORM_KINDS = ['heartbeat', 'composite', 'manual'] as const satisfies readonly CheckKind[]
export const ALL_FORM_KINDS = allOf<CheckKind>()([...FORM_KINDS, ...SERVER_FORM_KINDS])
export const isServerKind = (kind: string): kind is (typeof SERVER_FORM_KINDS)[number] =>
  (SERVER_FORM_KINDS as readonly string[]).includes(kind)

export interface KindStates {
  http: HttpState
  tcp: TcpState
  udp: UdpState
  dns: DnsState
  smtp: SmtpState
  ping: PingState
  domain_expiry: DomainExpiryState
  websocket: WebsocketState
  postgres: ServiceState
  mysql: ServiceState
  redis: ServiceState
  mqtt: ServiceState
  heartbeat: HeartbeatState
  composite: CompositeState
  manual: ManualState
}

/** How the form edits one kind: its inputs' state, and the settings payload built from it. */
export interface KindForm<K extends CheckKind> {
  empty(): KindStates[K]
  fromMonitor(m: MonitorOf<K>): KindStates[K]
  /** Checks what the browser can (errors keyed by API path) and builds the kind's settings. */
  build(s: KindStates[K], errors: FieldErrors): KindSettings<K>
  /** API paths an input of this kind shows errors for; other paths go to the form summary. */
  fields: readonly string[]
  /** Header-like record settings edited as rows: API field → rows and the rows' error prefix. */
  rows?(s: KindStates[K]): Record<string, { prefix: string; rows: HeaderRow[] }>
  /** The server's minimum check interval for this kind. */
  minInterval: number
  /** Conditions worth showing as examples next to the conditions box. */
  examples: readonly string[]
}

const IP = ['ip_family'] as const
const SERVICE = ['host', 'port', 'username', 'password', 'tls', 'ignore_tls_errors', 'expected_value'] as const

export const KIND_FORMS: { [K in CheckKind]: KindForm<K> } = {
  http: {
    empty: emptyHttp,
    fromMonitor: httpFromMonitor,
    build: buildHttp,
    fields: HTTP_FIELDS,
    rows: (s) => ({
      custom_headers: { prefix: 'headers', rows: s.headers },
      expected_headers: { prefix: 'expected_headers', rows: s.expected_headers },
    }),
    minInterval: 10,
    examples: [
      '[STATUS] == 200',
      '[BODY].status == UP',
      '[RESPONSE_TIME] < 500 ~degraded',
      '[CERTIFICATE_EXPIRATION] > 7d',
    ],
  },
  tcp: {
    empty: emptyTcp,
    fromMonitor: tcpFromMonitor,
    build: buildTcp,
    fields: ['host', 'port', ...IP, 'tls', 'send', 'expect'],
    minInterval: 10,
    examples: ['[CONNECTED] == true', '[RESPONSE_TIME] < 100 ~degraded'],
  },
  udp: {
    empty: emptyUdp,
    fromMonitor: udpFromMonitor,
    build: buildUdp,
    fields: ['host', 'port', ...IP, 'payload', 'payload_encoding', 'expect', 'silence_is_up'],
    minInterval: 10,
    examples: ['[RESULT] == contains(pong)', '[RESPONSE_TIME] < 200 ~degraded'],
  },
  dns: {
    empty: emptyDns,
    fromMonitor: dnsFromMonitor,
    build: buildDns,
    fields: ['hostname', 'record_type', 'resolvers', 'expected_values', 'expected_rcode', 'drift_alert'],
    minInterval: 10,
    examples: ['[DNS_RCODE] == NOERROR', 'len([DNS_ANSWERS]) > 0'],
  },
  smtp: {
    empty: emptySmtp,
    fromMonitor: smtpFromMonitor,
    build: buildSmtp,
    fields: ['host', 'port', ...IP, 'starttls', 'implicit_tls', 'ehlo_name'],
    minInterval: 10,
    examples: ['[BANNER] == contains(ESMTP)', '[CERTIFICATE_EXPIRATION] > 14d'],
  },
  ping: {
    empty: emptyPing,
    fromMonitor: pingFromMonitor,
    build: buildPing,
    fields: ['host', ...IP, 'count', 'degraded_loss_percent'],
    minInterval: 10,
    examples: ['[PACKET_LOSS] < 20 ~degraded', '[RTT_AVG] < 50'],
  },
  domain_expiry: {
    empty: emptyDomainExpiry,
    fromMonitor: domainExpiryFromMonitor,
    build: buildDomainExpiry,
    fields: ['domain', 'warn_days'],
    minInterval: 3600,
    examples: ['[DOMAIN_EXPIRATION] > 30d'],
  },
  websocket: {
    empty: emptyWebsocket,
    fromMonitor: websocketFromMonitor,
    build: buildWebsocket,
    fields: ['url', 'custom_headers', 'send', 'expect', 'ignore_tls_errors'],
    rows: (s) => ({ custom_headers: { prefix: 'headers', rows: s.headers } }),
    minInterval: 10,
    examples: ['[CONNECTED] == true', '[RESPONSE_TIME] < 300 ~degraded'],
  },
  postgres: {
    empty: () => emptyService('postgres'),
    fromMonitor: serviceFromMonitor,
    build: buildPostgres,
    fields: [...SERVICE, 'database', 'query'],
    minInterval: 10,
    examples: ['[RESULT] == 1', '[RESPONSE_TIME] < 200 ~degraded'],
  },
  mysql: {
    empty: () => emptyService('mysql'),
    fromMonitor: serviceFromMonitor,
    build: buildMysql,
    fields: [...SERVICE, 'database', 'query'],
    minInterval: 10,
    examples: ['[RESULT] == 1', '[RESPONSE_TIME] < 200 ~degraded'],
  },
  redis: {
    empty: () => emptyService('redis'),
    fromMonitor: serviceFromMonitor,
    build: buildRedis,
    fields: [...SERVICE, 'db', 'command'],
    minInterval: 10,
    examples: ['[RESULT] == PONG'],
  },
  mqtt: {
    empty: () => emptyService('mqtt'),
    fromMonitor: serviceFromMonitor,
    build: buildMqtt,
    fields: [...SERVICE, 'topic'],
    minInterval: 10,
    examples: ['[RESULT] == online'],
  },
  heartbeat: {
    empty: emptyHeartbeat,
    fromMonitor: heartbeatFromMonitor,
    build: buildHeartbeat,
    fields: ['period_seconds', 'cron', 'timezone', 'grace_seconds'],
    minInterval: 10,
    examples: [],
  },
  composite: {
    empty: emptyComposite,
    fromMonitor: compositeFromMonitor,
    build: buildComposite,
    fields: ['rule', 'degraded_below_percent'],
    minInterval: 10,
    examples: [],
  },
  manual: {
    empty: emptyManual,
    fromMonitor: emptyManual,
    build: buildManual,
    fields: [],
    minInterval: 10,
    examples: [],
  },
}

export function emptyKindStates(): KindStates {
  return {
    http: emptyHttp(),
    tcp: emptyTcp(),
    udp: emptyUdp(),
    dns: emptyDns(),
    smtp: emptySmtp(),
    ping: emptyPing(),
    domain_expiry: emptyDomainExpiry(),
    websocket: emptyWebsocket(),
    postgres: emptyService('postgres'),
    mysql: emptyService('mysql'),
    redis: emptyService('redis'),
    mqtt: emptyService('mqtt'),
    heartbeat: emptyHeartbeat(),
    composite: emptyComposite(),
    manual: emptyManual(),
  }
}

export const isFormKind = (kind: string): kind is CheckKind => (ALL_FORM_KINDS as readonly string[]).includes(kind)
