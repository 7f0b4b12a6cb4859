import type { Config } from '../../config/config.js'
import { decryptSecret, deriveSecretKey, encryptSecret, type SecretKey } from '../../core/crypto.js'
import type { AlertChannelRow } from '../../storage/repositories/index.js'
import { CHANNEL_DRIVERS, type ChannelKind } from './channels/index.js'

const keys = new WeakMap<Config, SecretKey>()

/** The AES-256-GCM key for channel secrets (derived from SECRET_KEY for this purpose only). */
function channelKey(config: Config): SecretKey {
  let k = keys.get(config)
  if (!k) {
    k = deriveSecretKey(config.SECRET_KEY, 'alert-channel-secrets')
    keys.set(config, k)
  }
  return k
}

// Bound to the channel and the field: a token copied elsewhere does not decrypt.
const context = (channelId: string, field: string) => `alert-channel:${channelId}:${field}`

export const secretFields = (kind: ChannelKind): readonly string[] => CHANNEL_DRIVERS[kind].secrets

/** Encrypts the secret fields of a validated config for storage; empty secrets stay empty. */
export function sealConfig(
  config: Config,
  channelId: string,
  kind: ChannelKind,
  plain: Record<string, unknown>,
): string {
  const out: Record<string, unknown> = { ...plain }
  for (const f of secretFields(kind)) {
    const v = out[f]
    if (typeof v === 'string' && v !== '') out[f] = encryptSecret(channelKey(config), v, context(channelId, f))
  }
  return JSON.stringify(out)
}

/** The stored config with secrets decrypted (for sending, and for keeping unchanged secrets on edit). */
export function openConfig(
  config: Config,
  row: Pick<AlertChannelRow, 'id' | 'kind' | 'config'>,
): Record<string, unknown> {
  const stored = JSON.parse(row.config) as Record<string, unknown>
  for (const f of secretFields(row.kind as ChannelKind)) {
    const v = stored[f]
    if (typeof v === 'string' && v !== '') stored[f] = decryptSecret(channelKey(config), v, context(row.id, f))
  }
  return stored
}

/** What the API shows: secrets are "" (never returned), and which of them are set. */
export function maskConfig(row: Pick<AlertChannelRow, 'kind' | 'config'>): {
  config: Record<string, unknown>
  secrets_set: string[]
} {
  const stored = JSON.parse(row.config) as Record<string, unknown>
  const set: string[] = []
  for (const f of secretFields(row.kind as ChannelKind)) {
    if (typeof stored[f] === 'string' && stored[f] !== '') set.push(f)
    stored[f] = ''
  }
  return { config: stored, secrets_set: set }
}
