import { type CheckKind, KINDS } from '@whatisup/shared'
import { decryptSecret, deriveSecretKey, encryptSecret, type SecretKey } from '../../core/crypto.js'

type Json = Record<string, unknown>

const PURPOSE = 'monitor-secrets'

/**
 * Keys by id. Encryption always receives its key from the caller's config; decryption for the
 * probe assignment only holds a row, so it finds the key here by the id written in each token.
 * Filled by {@link monitorSecretKey}, which `monitorRoutes(deps)` calls while the app is built.
 */
const keyring = new Map<string, SecretKey>()
const byConfig = new WeakMap<object, SecretKey>()

/** The monitor-secrets key of one server config, registered for decryption. */
export function monitorSecretKey(config: { readonly SECRET_KEY: string }): SecretKey {
  let key = byConfig.get(config)
  if (!key) {
    key = deriveSecretKey(config.SECRET_KEY, PURPOSE)
    byConfig.set(config, key)
    keyring.set(key.id, key)
  }
  return key
}

/** What a token is bound to: this monitor and this field, so it cannot be moved elsewhere. */
const context = (monitorId: string, path: string) => `monitor:${monitorId}:${path}`

function read(obj: Json, path: string): unknown {
  let cur: unknown = obj
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Json)[seg]
  }
  return cur
}

/** Sets a value where its parent object exists (a null `auth` has no password to set). */
function write(obj: Json, path: string, value: unknown): void {
  const segs = path.split('.')
  const last = segs.pop() as string
  let cur: unknown = obj
  for (const seg of segs) {
    if (cur === null || typeof cur !== 'object') return
    cur = (cur as Json)[seg]
  }
  if (cur !== null && typeof cur === 'object' && last in cur) (cur as Json)[last] = value
}

/** Copies the objects along the secret paths, so the caller's objects are never mutated. */
function copyAlong(config: Json, paths: readonly string[]): Json {
  const out: Json = { ...config }
  for (const path of paths) {
    let cur = out
    for (const seg of path.split('.').slice(0, -1)) {
      const v = cur[seg]
      if (v === null || typeof v !== 'object') break
      const copy: Json = { ...(v as Json) }
      cur[seg] = copy
      cur = copy
    }
  }
  return out
}

const secretPaths = (kind: unknown) => KINDS[kind as CheckKind]?.secrets ?? []

/** API answers: every set secret reads as "" (a null stays null, so "none" and "set" differ). */
export function maskSecrets(config: Json): Json {
  const paths = secretPaths(config.check_type)
  const out = copyAlong(config, paths)
  for (const p of paths) if (typeof read(out, p) === 'string') write(out, p, '')
  return out
}

/** Probe assignments: plaintext. Throws `SecretDecryptError` when a token does not authenticate. */
export function revealSecrets(config: Json, monitorId: string): Json {
  const paths = secretPaths(config.check_type)
  const out = copyAlong(config, paths)
  const lookup = (id: string) => keyring.get(id)
  for (const p of paths) {
    const v = read(out, p)
    if (typeof v === 'string' && v !== '') write(out, p, decryptSecret(lookup, v, context(monitorId, p)))
  }
  return out
}

/**
 * Encrypts a validated config's secrets for storage. A secret given as "" keeps the token stored in
 * `kept` at the same path (PATCH with masked values); pass `kept: null` when nothing may be kept
 * (creation, or a change of kind). Returns the paths whose stored secret was kept.
 */
export function sealSecrets(
  config: Json,
  monitorId: string,
  key: SecretKey,
  kept: Json | null,
): { sealed: Json; keptPaths: string[] } {
  const paths = secretPaths(config.check_type)
  const sealed = copyAlong(config, paths)
  const keptPaths: string[] = []
  for (const p of paths) {
    const v = read(sealed, p)
    if (typeof v !== 'string') continue
    if (v !== '') {
      write(sealed, p, encryptSecret(key, v, context(monitorId, p)))
      continue
    }
    const previous = kept ? read(kept, p) : undefined
    if (typeof previous === 'string' && previous !== '') {
      write(sealed, p, previous)
      keptPaths.push(p)
    }
  }
  return { sealed, keptPaths }
}
