import type { KindSettings, MonitorOf } from '@whatisup/shared'
import {
  allOf,
  type FieldErrors,
  type HeaderRow,
  headersFrom,
  hostField,
  intIn,
  isUrlWith,
  type NumInput,
  numberIn,
  orNull,
  required,
  rowsOf,
  splitList,
} from './fields'
import type { IpFamily } from './http'

export type DnsRecordType = KindSettings<'dns'>['record_type']
export type DnsRcode = KindSettings<'dns'>['expected_rcode']
export type PayloadEncoding = KindSettings<'udp'>['payload_encoding']

export const DNS_RECORD_TYPES = allOf<DnsRecordType>()(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA'])
export const DNS_RCODES = allOf<DnsRcode>()(['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'])
export const PAYLOAD_ENCODINGS = allOf<PayloadEncoding>()(['text', 'hex'])

const port = (errors: FieldErrors, value: NumInput) => intIn(errors, 'port', value, 1, 65_535) ?? 0

export interface TcpState {
  host: string
  port: NumInput
  ip_family: IpFamily
  tls: boolean
  send: string
  expect: string
}
export const emptyTcp = (): TcpState => ({ host: '', port: '', ip_family: 'auto', tls: false, send: '', expect: '' })
export const tcpFromMonitor = (m: MonitorOf<'tcp'>): TcpState => ({
  host: m.host,
  port: m.port,
  ip_family: m.ip_family,
  tls: m.tls,
  send: m.send ?? '',
  expect: m.expect ?? '',
})
export const buildTcp = (s: TcpState, errors: FieldErrors): KindSettings<'tcp'> => ({
  host: hostField(errors, 'host', s.host),
  port: port(errors, s.port),
  ip_family: s.ip_family,
  tls: s.tls,
  send: orNull(s.send),
  expect: orNull(s.expect),
})

export interface UdpState {
  host: string
  port: NumInput
  ip_family: IpFamily
  payload: string
  payload_encoding: PayloadEncoding
  expect: string
  silence_is_up: boolean
}
export const emptyUdp = (): UdpState => ({
  host: '',
  port: '',
  ip_family: 'auto',
  payload: '',
  payload_encoding: 'text',
  expect: '',
  silence_is_up: false,
})
export const udpFromMonitor = (m: MonitorOf<'udp'>): UdpState => ({
  host: m.host,
  port: m.port,
  ip_family: m.ip_family,
  payload: m.payload,
  payload_encoding: m.payload_encoding,
  expect: m.expect ?? '',
  silence_is_up: m.silence_is_up,
})
export function buildUdp(s: UdpState, errors: FieldErrors): KindSettings<'udp'> {
  const payload = s.payload_encoding === 'hex' ? s.payload.replace(/\s+/g, '') : s.payload
  if (s.payload_encoding === 'hex' && !/^(?:[0-9a-fA-F]{2})*$/.test(payload)) errors.payload = { key: 'hex' }
  if (s.expect) {
    try {
      new RegExp(s.expect)
    } catch {
      errors.expect = { key: 'regex' }
    }
  }
  return {
    host: hostField(errors, 'host', s.host),
    port: port(errors, s.port),
    ip_family: s.ip_family,
    payload,
    payload_encoding: s.payload_encoding,
    expect: orNull(s.expect),
    silence_is_up: s.silence_is_up,
  }
}

export interface DnsState {
  hostname: string
  record_type: DnsRecordType
  /** One per line or comma-separated. */
  resolvers: string
  expected_values: string
  expected_rcode: DnsRcode
  drift_alert: boolean
}
export const emptyDns = (): DnsState => ({
  hostname: '',
  record_type: 'A',
  resolvers: '',
  expected_values: '',
  expected_rcode: 'NOERROR',
  drift_alert: false,
})
export const dnsFromMonitor = (m: MonitorOf<'dns'>): DnsState => ({
  hostname: m.hostname,
  record_type: m.record_type,
  resolvers: m.resolvers.join('\n'),
  expected_values: m.expected_values.join('\n'),
  expected_rcode: m.expected_rcode,
  drift_alert: m.drift_alert,
})
const RESOLVER = /^(?:\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|\[[0-9a-fA-F:]+\](?::\d{1,5})?|[0-9a-fA-F:]+)$/
export function buildDns(s: DnsState, errors: FieldErrors): KindSettings<'dns'> {
  const resolvers = splitList(s.resolvers)
  const bad = resolvers.find((r) => !RESOLVER.test(r))
  if (bad !== undefined) errors.resolvers = { key: 'resolver', params: { value: bad } }
  else if (resolvers.length > 5) errors.resolvers = { key: 'tooMany', params: { max: 5 } }
  // Values may hold commas (TXT records): one per line only.
  const expected = s.expected_values
    .split('\n')
    .map((v) => v.trim())
    .filter(Boolean)
  return {
    hostname: hostField(errors, 'hostname', s.hostname),
    record_type: s.record_type,
    resolvers,
    expected_values: expected,
    expected_rcode: s.expected_rcode,
    drift_alert: s.drift_alert,
  }
}

export interface SmtpState {
  host: string
  port: NumInput
  ip_family: IpFamily
  starttls: boolean
  implicit_tls: boolean
  ehlo_name: string
}
export const emptySmtp = (): SmtpState => ({
  host: '',
  port: 25,
  ip_family: 'auto',
  starttls: false,
  implicit_tls: false,
  ehlo_name: 'whatisup-monitor',
})
export const smtpFromMonitor = (m: MonitorOf<'smtp'>): SmtpState => ({
  host: m.host,
  port: m.port,
  ip_family: m.ip_family,
  starttls: m.starttls,
  implicit_tls: m.implicit_tls,
  ehlo_name: m.ehlo_name,
})
export function buildSmtp(s: SmtpState, errors: FieldErrors): KindSettings<'smtp'> {
  if (s.starttls && s.implicit_tls) errors.implicit_tls = { key: 'tlsModes' }
  return {
    host: hostField(errors, 'host', s.host),
    port: port(errors, s.port),
    ip_family: s.ip_family,
    starttls: s.starttls,
    implicit_tls: s.implicit_tls,
    ehlo_name: s.ehlo_name.trim() || 'whatisup-monitor',
  }
}

export interface PingState {
  host: string
  ip_family: IpFamily
  count: NumInput
  degraded_loss_percent: NumInput
}
export const emptyPing = (): PingState => ({ host: '', ip_family: 'auto', count: 3, degraded_loss_percent: 1 })
export const pingFromMonitor = (m: MonitorOf<'ping'>): PingState => ({
  host: m.host,
  ip_family: m.ip_family,
  count: m.count,
  degraded_loss_percent: m.degraded_loss_percent,
})
export const buildPing = (s: PingState, errors: FieldErrors): KindSettings<'ping'> => ({
  host: hostField(errors, 'host', s.host),
  ip_family: s.ip_family,
  count: intIn(errors, 'count', s.count, 1, 20) ?? 1,
  degraded_loss_percent: numberIn(errors, 'degraded_loss_percent', s.degraded_loss_percent, 0, 100) ?? 0,
})

export interface DomainExpiryState {
  domain: string
  warn_days: NumInput
}
export const emptyDomainExpiry = (): DomainExpiryState => ({ domain: '', warn_days: 30 })
export const domainExpiryFromMonitor = (m: MonitorOf<'domain_expiry'>): DomainExpiryState => ({
  domain: m.domain,
  warn_days: m.warn_days,
})
export const buildDomainExpiry = (s: DomainExpiryState, errors: FieldErrors): KindSettings<'domain_expiry'> => ({
  domain: hostField(errors, 'domain', s.domain),
  warn_days: intIn(errors, 'warn_days', s.warn_days, 1, 365) ?? 1,
})

export interface WebsocketState {
  url: string
  headers: HeaderRow[]
  send: string
  expect: string
  ignore_tls_errors: boolean
}
export const emptyWebsocket = (): WebsocketState => ({
  url: 'wss://',
  headers: [],
  send: '',
  expect: '',
  ignore_tls_errors: false,
})
export const websocketFromMonitor = (m: MonitorOf<'websocket'>): WebsocketState => ({
  url: m.url,
  headers: rowsOf(m.custom_headers),
  send: m.send ?? '',
  expect: m.expect ?? '',
  ignore_tls_errors: m.ignore_tls_errors,
})
export function buildWebsocket(s: WebsocketState, errors: FieldErrors): KindSettings<'websocket'> {
  const url = required(errors, 'url', s.url)
  if (url && !isUrlWith(url, ['ws', 'wss'])) errors.url = { key: 'wsUrl' }
  return {
    url,
    custom_headers: headersFrom(errors, 'headers', s.headers, { valueRequired: true }),
    send: orNull(s.send),
    expect: orNull(s.expect),
    ignore_tls_errors: s.ignore_tls_errors,
  }
}
