import { createApiClient } from './client'
import { createLocalTokenStorage } from './tokens'

export type { ApiClient, ApiErrorCode } from './client'
export { ApiError, toApiError } from './client'

export const tokens = createLocalTokenStorage()

const sessionExpiredListeners = new Set<() => void>()

/** Lets the app (router) react when the session cannot be renewed, without the client knowing Vue. */
export function onSessionExpired(listener: () => void): () => void {
  sessionExpiredListeners.add(listener)
  return () => sessionExpiredListeners.delete(listener)
}

export const api = createApiClient({
  tokens,
  onSessionExpired: () => {
    for (const l of sessionExpiredListeners) l()
  },
})
