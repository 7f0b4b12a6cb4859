import { z } from 'zod'
import { HeadersSchema, HostSchema, IpFamilySchema, PortSchema, urlWithSchemes } from './fields.js'

export const tcpSettings = {
  host: HostSchema,
  port: PortSchema,
  ip_family: IpFamilySchema,
  /** Open TLS on the connection (and report the certificate). */
  tls: z.boolean().default(false),
  send: z.string().max(4096).nullable().default(null),
  /** Substring the first reply must contain (read up to 64 KiB or until timeout). */
  expect: z.string().max(1024).nullable().default(null),
}

export const udpSettings = {
  host: HostSchema,
  port: PortSchema,
  ip_family: IpFamilySchema,
  payload: z.string().max(4096).default(''),
  payload_encoding: z.enum(['text', 'hex']).default('text'),
  /** A regex the reply must match; null = any reply. */
  expect: z.string().max(500).nullable().default(null),
  /** No reply and no ICMP error is "open|filtered": does that count as up? */
  silence_is_up: z.boolean().default(false),
}

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'SRV', 'CAA'] as const
export const DNS_RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'] as const

export const dnsSettings = {
  hostname: HostSchema,
  record_type: z.enum(DNS_RECORD_TYPES).default('A'),
  /** Resolvers as `ip` or `ip:port` (IPv6 as `[ip]:port`); empty = the probe's system resolvers. */
  resolvers: z
    .array(
      z
        .string()
        .regex(
          /^(?:\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|\[[0-9a-fA-F:]+\](?::\d{1,5})?|[0-9a-fA-F:]+)$/,
          'expected an IP or IP:port',
        ),
    )
    .max(5)
    .default([]),
  /** Every expected value must be among the answers (exact, case-insensitive). */
  expected_values: z.array(z.string().min(1).max(512)).max(20).default([]),
  expected_rcode: z.enum(DNS_RCODES).default('NOERROR'),
  /** Learn the answer set and flag changes to it. */
  drift_alert: z.boolean().default(false),
}

export const smtpSettings = {
  host: HostSchema,
  port: PortSchema.default(25),
  ip_family: IpFamilySchema,
  starttls: z.boolean().default(false),
  /** Connect with TLS from the start (SMTPS, port 465). */
  implicit_tls: z.boolean().default(false),
  ehlo_name: z.string().max(253).default('whatisup-monitor'),
}

export const pingSettings = {
  host: HostSchema,
  ip_family: IpFamilySchema,
  count: z.int().min(1).max(20).default(3),
  /** Partial loss at or above this percentage is degraded; 100 % loss is down. */
  degraded_loss_percent: z.number().min(0).max(100).default(1),
}

export const domainExpirySettings = {
  domain: HostSchema,
  warn_days: z.int().min(1).max(365).default(30),
}

export const websocketSettings = {
  url: urlWithSchemes(['ws', 'wss']),
  custom_headers: HeadersSchema.default({}),
  send: z.string().max(4096).nullable().default(null),
  expect: z.string().max(1024).nullable().default(null),
  ignore_tls_errors: z.boolean().default(false),
}
