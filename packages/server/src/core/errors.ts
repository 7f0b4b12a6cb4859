import type { ErrorCode, ErrorIssue } from '@whatisup/shared'

/**
 * The only error type services throw on purpose. The HTTP status is decided by
 * `http/error-handler.ts` from the code, never here.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { issues?: ErrorIssue[]; [key: string]: unknown },
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`)

/** A 400 about one field: `path: message` as the message, and the same as the only issue. */
export const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] })
