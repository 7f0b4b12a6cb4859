import type { ErrorBody, ErrorCode, ErrorIssue } from '@whatisup/shared'
import type { FastifyError, FastifyInstance } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { AppError } from '../core/errors.js'

/** THE mapping from stable error codes to HTTP statuses. Nothing else chooses a status for an error. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  TOKEN_REUSED: 401,
  PROBE_KEY_INVALID: 401,
  FORBIDDEN: 403,
  MONITOR_NOT_ASSIGNED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
}

/** Fastify's own error codes that are really client mistakes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_JSON',
}

function classify(err: FastifyError): { code: ErrorCode; message: string; details?: ErrorBody['details'] } {
  if (err instanceof AppError)
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body'
    const issues: ErrorIssue[] = err.validation.map((v) => {
      const base = [where, ...v.instancePath.split('/').filter(Boolean)]
      // Unknown keys: name each offending field, not just the object that contained them.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: string[] }).keys : undefined
      if (keys?.length) {
        return {
          path: [...base, ...keys].join('.'),
          message: `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
        }
      }
      return { path: base.join('.'), message: v.message ?? 'invalid value' }
    })
    const first = issues[0]
    return {
      code: 'VALIDATION_FAILED',
      message: first ? `${first.path}: ${first.message}` : 'invalid request',
      details: { issues },
    }
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && err instanceof SyntaxError)) {
    return { code: 'INVALID_JSON', message: 'request body is not valid JSON' }
  }
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined
  if (mapped) return { code: mapped, message: err.message }
  if (err.statusCode === 429) return { code: 'RATE_LIMITED', message: 'too many requests' }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return { code: 'VALIDATION_FAILED', message: err.message }
  return { code: 'INTERNAL', message: 'internal error' }
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { code, message, details } = classify(err)
    const status = HTTP_STATUS[code]
    if (status >= 500) req.log.error({ err, requestId: req.id }, 'unhandled error')
    const retry = details?.retryAfterSeconds
    if (code === 'RATE_LIMITED' && typeof retry === 'number') void reply.header('retry-after', String(retry))
    const body: ErrorBody = { code, message, requestId: String(req.id), ...(details ? { details } : {}) }
    return reply.code(status).send(body)
  })
}
