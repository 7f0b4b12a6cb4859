import { z } from 'zod'
import { parseStatusRange } from '../status-codes.js'

/** Headers a user may not set: they would break framing or target another virtual host. */
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding'])

export const StatusCodeSpecSchema = z.union([
  z.int().min(100).max(599),
  z.string().refine((s) => parseStatusRange(s) !== null, { message: 'expected a status code range like "200-299"' }),
])

export const HeadersSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'header names are letters, digits and "-" (1–100 characters)'),
    z.string().min(1).max(500),
  )
  .refine((h) => Object.keys(h).length <= 20, { message: 'at most 20 headers' })
  .refine((h) => Object.keys(h).every((k) => !FORBIDDEN_HEADERS.has(k.toLowerCase())), {
    message: `these headers cannot be set: ${[...FORBIDDEN_HEADERS].join(', ')}`,
  })

export function urlWithSchemes(schemes: readonly string[]) {
  return z
    .string()
    .max(2048)
    .refine(
      (s) => {
        try {
          const u = new URL(s)
          return schemes.includes(u.protocol.slice(0, -1)) && u.hostname !== ''
        } catch {
          return false
        }
      },
      { message: `expected a ${schemes.map((s) => `${s}://`).join(' or ')} URL` },
    )
}

/** A host name or an IP literal (IPv6 without brackets). No scheme, no port, no path. */
export const HostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?|[0-9A-Fa-f:.]+)$/, {
    message: 'expected a host name or IP address (no scheme, port or path)',
  })

export const PortSchema = z.int().min(1).max(65_535)

export const IP_FAMILIES = ['auto', 'ipv4', 'ipv6'] as const
export const IpFamilySchema = z.enum(IP_FAMILIES).default('auto')

/** A credential. Encrypted at rest by the server and never returned by the API (masked as ""). */
export const SecretSchema = z.string().max(4096)

/** PEM text, bounded. */
export const PemSchema = z
  .string()
  .max(32_768)
  .regex(/-----BEGIN [A-Z ]+-----/, { message: 'expected PEM text' })
