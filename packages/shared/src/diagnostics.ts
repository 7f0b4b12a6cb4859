import { z } from 'zod'
import { HostSchema, PortSchema } from './kinds/fields.js'

/**
 * What an affected probe captures toward a monitor's target when an incident opens (or reaches it
 * later, when the scope grows): network path, name resolution, reachability, and for TLS/HTTP
 * targets the handshake and the response head. See docs/adr/0012-incident-diagnostics.md.
 */
export const DIAGNOSTIC_KINDS = ['traceroute', 'dns', 'ping', 'tls', 'http'] as const
export type DiagnosticKind = (typeof DIAGNOSTIC_KINDS)[number]

/** Each collector's hard deadline on the probe. */
export const DIAGNOSTIC_TIMEOUT_MS = 10_000
/** Raw tool output kept per collector (bytes, UTF-8); longer output is cut and flagged. */
export const DIAGNOSTIC_RAW_MAX_BYTES = 8192
/** A request nobody answered within this time is `expired`: diagnostics an hour late describe another network. */
export const DIAGNOSTIC_REQUEST_TTL_MS = 3_600_000
/** Response headers an `http` diagnostic keeps. */
export const DIAGNOSTIC_MAX_HEADERS = 40

/**
 * Where to look: the monitor's host (and port), its URL for http(s)/ws(s) monitors, and a DNS
 * monitor's own resolvers (`ip` or `ip:port`), queried besides the probe's system resolvers.
 *
 * @example
 * { host: 'shop.example.com', port: 443, url: 'https://shop.example.com/health' }
 */
export const DiagnosticTargetSchema = z.object({
  host: HostSchema,
  port: PortSchema.optional(),
  url: z.string().max(2048).optional(),
  resolvers: z.array(z.string().max(64)).max(5).optional(),
})
export type DiagnosticTarget = z.infer<typeof DiagnosticTargetSchema>

const ms = z.number().min(0).max(3_600_000)
const ip = z.string().max(64)
const text = (max: number) => z.string().max(max)

/** `traceroute`: one line per hop; `ip`/`rtt_ms` null where the hop did not answer (`*`). */
export const TraceroutePayload = z.object({
  tool: z.enum(['traceroute', 'tracepath']),
  target_ip: ip,
  hops: z.array(z.object({ n: z.int().min(1).max(255), ip: ip.nullable(), rtt_ms: ms.nullable() })).max(64),
  reached: z.boolean(),
})
/** `dns`: the same name through each resolver (`system` = getaddrinfo, then each server asked directly). */
export const DnsPayload = z.object({
  host: HostSchema,
  answers: z
    .array(
      z.object({
        resolver: text(64),
        ms,
        a: z.array(ip).max(32),
        aaaa: z.array(ip).max(32),
        cname: z.array(text(253)).max(8),
        error: text(300).nullable(),
      }),
    )
    .max(8),
})
/** `ping`: the system ping's summary (RTTs null when nothing came back). */
export const PingPayload = z.object({
  address: ip,
  transmitted: z.int().min(0).max(100),
  received: z.int().min(0).max(100),
  loss_pct: z.number().min(0).max(100),
  rtt_min_ms: ms.nullable(),
  rtt_avg_ms: ms.nullable(),
  rtt_max_ms: ms.nullable(),
})
/** `tls`: the handshake as the probe saw it, leaf first; `verify_error` null when the chain verified. */
export const TlsPayload = z.object({
  address: ip,
  servername: text(253),
  protocol: text(32).nullable(),
  cipher: text(128).nullable(),
  authorized: z.boolean(),
  verify_error: text(300).nullable(),
  chain: z.array(z.object({ subject: text(512), issuer: text(512), valid_from: text(64), valid_to: text(64) })).max(10),
  handshake_ms: ms,
})
/** `http`: one request, the status line and the response head; the body is never read. */
export const HttpPayload = z.object({
  address: ip,
  status_line: text(300),
  status_code: z.int().min(100).max(999),
  headers: z.array(z.tuple([text(256), text(2048)])).max(DIAGNOSTIC_MAX_HEADERS),
  headers_truncated: z.boolean(),
  timings: z.object({ dns_ms: ms.nullable(), connect_ms: ms, tls_ms: ms.nullable(), ttfb_ms: ms }),
})

export type TraceroutePayloadDto = z.infer<typeof TraceroutePayload>
export type DnsPayloadDto = z.infer<typeof DnsPayload>
export type PingPayloadDto = z.infer<typeof PingPayload>
export type TlsPayloadDto = z.infer<typeof TlsPayload>
export type HttpPayloadDto = z.infer<typeof HttpPayload>

const common = {
  /** The tool's raw output (or a readable rendering), at most {@link DIAGNOSTIC_RAW_MAX_BYTES}. */
  raw: text(DIAGNOSTIC_RAW_MAX_BYTES + 64).nullable(),
  /** Why there is no payload: `timeout`, `blocked_by_ssrf_guard`, `binary_missing:traceroute`, `not_applicable`, or `Class: message`. */
  error: text(300).nullable(),
  duration_ms: ms,
  collected_at: z.int().min(0),
}

/**
 * One collector's outcome. A failed collector is data (`payload: null`, `error` set), never a
 * failed upload: the others still count.
 *
 * @example
 * { kind: 'ping', payload: null, raw: null, error: 'blocked_by_ssrf_guard', duration_ms: 0, collected_at: 1767… }
 */
export const DiagnosticResultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('traceroute'), payload: TraceroutePayload.nullable(), ...common }),
  z.strictObject({ kind: z.literal('dns'), payload: DnsPayload.nullable(), ...common }),
  z.strictObject({ kind: z.literal('ping'), payload: PingPayload.nullable(), ...common }),
  z.strictObject({ kind: z.literal('tls'), payload: TlsPayload.nullable(), ...common }),
  z.strictObject({ kind: z.literal('http'), payload: HttpPayload.nullable(), ...common }),
])
export type DiagnosticResult = z.infer<typeof DiagnosticResultSchema>

/** `POST /api/v1/probes/diagnostics`: every collector of one request, at most once per kind. */
export const DiagnosticsUploadSchema = z.strictObject({
  request_id: z.string().min(1).max(64),
  results: z
    .array(DiagnosticResultSchema)
    .min(1)
    .max(DIAGNOSTIC_KINDS.length)
    .refine((rs) => new Set(rs.map((r) => r.kind)).size === rs.length, 'each kind at most once'),
})
export type DiagnosticsUpload = z.infer<typeof DiagnosticsUploadSchema>

export const DiagnosticsUploadResponseSchema = z.object({ accepted: z.int().min(0), duplicate: z.boolean() })
export type DiagnosticsUploadResponse = z.infer<typeof DiagnosticsUploadResponseSchema>

/** `pending`: asked, no answer yet; `complete`: uploaded; `expired`: no answer within {@link DIAGNOSTIC_REQUEST_TTL_MS}. */
export const DIAGNOSTIC_REQUEST_STATES = ['pending', 'complete', 'expired'] as const
export type DiagnosticRequestState = (typeof DIAGNOSTIC_REQUEST_STATES)[number]

/** `GET /api/v1/incidents/{id}/diagnostics`: one entry per affected probe asked. */
export const IncidentDiagnosticsSchema = z.object({
  probes: z.array(
    z.object({
      request_id: z.string(),
      probe_id: z.string(),
      probe_name: z.string(),
      state: z.enum(DIAGNOSTIC_REQUEST_STATES),
      kinds: z.array(z.enum(DIAGNOSTIC_KINDS)),
      target: DiagnosticTargetSchema,
      requested_at: z.string(),
      expires_at: z.string(),
      completed_at: z.string().nullable(),
      results: z.array(DiagnosticResultSchema),
    }),
  ),
})
export type IncidentDiagnosticsDto = z.infer<typeof IncidentDiagnosticsSchema>
export type ProbeDiagnosticsDto = IncidentDiagnosticsDto['probes'][number]
