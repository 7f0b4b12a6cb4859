/**
 * Stable error codes of the public API. The HTTP status for each code is decided in ONE place
 * (server `http/error-handler.ts`); clients branch on `code`, never on the message.
 *
 * @example
 * if (body.code === 'VALIDATION_FAILED') showFieldErrors(body.details?.issues)
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'TOKEN_REUSED',
  'PROBE_KEY_INVALID',
  'FORBIDDEN',
  'MONITOR_NOT_ASSIGNED',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** One field-level problem, `path` as a dotted path (`body.expected_status_codes.0`). */
export interface ErrorIssue {
  path: string
  message: string
}

/** The body of every non-2xx API answer. */
export interface ErrorBody {
  code: ErrorCode
  message: string
  requestId: string
  details?: { issues?: ErrorIssue[]; [key: string]: unknown }
}
