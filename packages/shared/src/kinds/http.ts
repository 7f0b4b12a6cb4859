import { z } from 'zod'
import { JSON_PATH_OPERATORS } from '../conditions/index.js'
import {
  HeadersSchema,
  IpFamilySchema,
  PemSchema,
  SecretSchema,
  StatusCodeSpecSchema,
  urlWithSchemes,
} from './fields.js'

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

export const HttpAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('basic'), username: z.string().min(1).max(255), password: SecretSchema }),
  z.strictObject({ type: z.literal('bearer'), token: SecretSchema }),
])

/**
 * HTTP(S) check settings. The simple assertion fields (keyword, body_regex, expected_headers,
 * json_path…, max_response_time_ms) compile into conditions: one evaluation path.
 */
export const httpSettings = {
  url: urlWithSchemes(['http', 'https']),
  method: z.enum(HTTP_METHODS).default('GET'),
  custom_headers: HeadersSchema.default({}),
  body: z.string().max(65_536).nullable().default(null),
  expected_status_codes: z.array(StatusCodeSpecSchema).min(1).max(50).default(['200-299']),
  follow_redirects: z.boolean().default(true),
  max_redirects: z.int().min(0).max(20).default(10),
  auth: HttpAuthSchema.nullable().default(null),
  ip_family: IpFamilySchema,
  ignore_tls_errors: z.boolean().default(false),
  client_cert: z.strictObject({ cert: PemSchema, key: SecretSchema }).nullable().default(null),
  keyword: z.string().min(1).max(512).nullable().default(null),
  keyword_negate: z.boolean().default(false),
  body_regex: z.string().min(1).max(500).nullable().default(null),
  expected_headers: z.record(z.string().min(1).max(100), z.string().max(500)).default({}),
  json_path: z.string().min(1).max(512).nullable().default(null),
  json_path_operator: z.enum(JSON_PATH_OPERATORS).default('=='),
  json_path_expected: z.string().max(512).nullable().default(null),
  /** JSON Schema (draft 2020-12) the response body must satisfy. */
  json_schema: z.record(z.string(), z.unknown()).nullable().default(null),
  /** Above this the check is degraded (not down). */
  max_response_time_ms: z.int().min(1).max(600_000).nullable().default(null),
  ssl_expiry_min_days: z.int().min(0).max(365).nullable().default(null),
  ssl_pin_sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/, { message: 'expected 64 lowercase hex characters (SHA-256 of the leaf certificate)' })
    .nullable()
    .default(null),
}
