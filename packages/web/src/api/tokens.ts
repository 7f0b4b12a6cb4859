import type { TokenPair, TokenStorage } from './client'

const ACCESS_KEY = 'whatisup.access_token'
const REFRESH_KEY = 'whatisup.refresh_token'

export type TokenListener = (signedIn: boolean) => void

/**
 * Tokens in localStorage so a reload keeps the session; read on every call so several tabs
 * agree on the latest rotated refresh token.
 */
export function createLocalTokenStorage(storage: Storage = globalThis.localStorage) {
  const listeners = new Set<TokenListener>()
  const notify = () => {
    const signedIn = storage.getItem(REFRESH_KEY) !== null
    for (const l of listeners) l(signedIn)
  }
  const tokens: TokenStorage & { onChange(l: TokenListener): () => void } = {
    access: () => storage.getItem(ACCESS_KEY),
    refresh: () => storage.getItem(REFRESH_KEY),
    save(pair: TokenPair) {
      storage.setItem(ACCESS_KEY, pair.access_token)
      storage.setItem(REFRESH_KEY, pair.refresh_token)
      notify()
    },
    clear() {
      storage.removeItem(ACCESS_KEY)
      storage.removeItem(REFRESH_KEY)
      notify()
    },
    onChange(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  }
  return tokens
}
