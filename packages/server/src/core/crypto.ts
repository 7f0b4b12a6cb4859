import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const ALGORITHM = 'aes-256-gcm'
const IV_BYTES = 12
const TAG_BYTES = 16
/** Fixed, public HKDF salt: SECRET_KEY is the only secret input; the salt just separates this app's keys. */
const SALT = 'whatisup/secrets'

/**
 * A purpose-bound AES-256 key. `id` names it inside every token, so a future second key (rotation)
 * can be told apart; it is derived separately and says nothing about the key itself.
 */
export interface SecretKey {
  readonly id: string
  readonly key: Buffer
}

/** A token that does not decrypt: tampered with, bound to another context, or made under another key. */
export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError'
}

/**
 * Derives a key for one purpose from SECRET_KEY with HKDF-SHA256, so SECRET_KEY itself never
 * encrypts anything and two purposes never share a key.
 *
 * @example
 * const key = deriveSecretKey(config.SECRET_KEY, 'monitor-secrets')
 */
export function deriveSecretKey(secret: string, purpose: string): SecretKey {
  const key = Buffer.from(hkdfSync('sha256', secret, SALT, `whatisup:${purpose}:aes-256-gcm`, 32))
  const id = Buffer.from(hkdfSync('sha256', secret, SALT, `whatisup:${purpose}:key-id`, 8)).toString('hex')
  return { id, key }
}

/**
 * Encrypts with AES-256-GCM under a random 96-bit IV. `context` (e.g. `monitor:<id>:auth.password`)
 * is authenticated but not stored: a token copied to another monitor or field does not decrypt.
 *
 * @example
 * encryptSecret(key, 'hunter2', 'monitor:m1:password') // → 'v1:3f9c…:<base64url(iv ‖ ciphertext ‖ tag)>'
 */
export function encryptSecret(key: SecretKey, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES)
  const header = `${VERSION}:${key.id}`
  const cipher = createCipheriv(ALGORITHM, key.key, iv)
  cipher.setAAD(aad(header, context))
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${header}:${body.toString('base64url')}`
}

/**
 * Decrypts a token made by {@link encryptSecret}; `keys` finds the key by the id in the token.
 * Throws {@link SecretDecryptError} on any mismatch (never returns a partial or unauthenticated value).
 *
 * @example
 * decryptSecret((id) => (id === key.id ? key : undefined), token, 'monitor:m1:password') // → 'hunter2'
 */
export function decryptSecret(
  keys: SecretKey | ((id: string) => SecretKey | undefined),
  token: string,
  context: string,
): string {
  const parts = token.split(':')
  if (parts.length !== 3 || parts[0] !== VERSION) throw new SecretDecryptError('not a v1 secret token')
  const [, id = '', data = ''] = parts
  const key = typeof keys === 'function' ? keys(id) : keys.id === id ? keys : undefined
  if (!key) throw new SecretDecryptError('secret was encrypted under another SECRET_KEY')
  const body = Buffer.from(data, 'base64url')
  if (body.length < IV_BYTES + TAG_BYTES || body.toString('base64url') !== data) {
    throw new SecretDecryptError('malformed secret token')
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key.key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
    decipher.setAAD(aad(`${VERSION}:${id}`, context))
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
    return Buffer.concat([
      decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    throw new SecretDecryptError('secret failed authentication (tampered with, or bound to another field)')
  }
}

const aad = (header: string, context: string) => Buffer.from(`${header}\u0000${context}`, 'utf8')
