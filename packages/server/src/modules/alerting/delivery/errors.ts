/**
 * A delivery that did not go through. `permanent` failures (4xx other than 408/429, a refused
 * target, a bad config) are recorded as failed at once; the rest (5xx, 408, 429, timeouts, network
 * errors, SMTP 4xx) are retried with exponential backoff.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError'
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The receiver asked to wait (Retry-After). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
  }
}

/** HTTP status → is the failure permanent? */
export const permanentStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429
