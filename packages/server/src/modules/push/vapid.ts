import webPush from 'web-push'
import type { Config } from '../../config/config.js'
import { decryptSecret, deriveSecretKey, encryptSecret, type SecretKey } from '../../core/crypto.js'
import type { Deps } from '../../core/deps.js'
import { WebPushRepository } from './push.repository.js'

/**
 * The instance's VAPID key pair (RFC 8292): made once, on first use, and kept in `settings` with
 * the private key encrypted under a key derived from SECRET_KEY. Browsers bind a subscription to
 * the public key, so it must never change while subscriptions exist.
 */
export interface VapidKeys {
  publicKey: string
  privateKey: string
  /** The `sub` claim: a contact for push services (the public https URL, else a mailto). */
  subject: string
}

const SETTING = 'web_push_vapid'
const CONTEXT = 'settings:web_push_vapid:private_key'
const keys = new WeakMap<Config, SecretKey>()

function vapidKey(config: Config): SecretKey {
  let k = keys.get(config)
  if (!k) {
    k = deriveSecretKey(config.SECRET_KEY, 'web-push-vapid')
    keys.set(config, k)
  }
  return k
}

export const pushRepo = (deps: Deps) => new WebPushRepository(deps.database.db)

function subjectOf(config: Config): string {
  const url = config.PUBLIC_URL
  if (url?.startsWith('https://')) return url.replace(/\/+$/, '')
  const host = url ? new URL(url).hostname : 'localhost'
  return `mailto:whatisup@${host.includes('.') ? host : `${host}.localdomain`}`
}

/** Loads the key pair, making and storing it on first use (the first writer wins a race). */
export async function vapidKeys(deps: Deps): Promise<VapidKeys> {
  const repo = pushRepo(deps)
  let raw = await repo.getSetting(SETTING)
  if (!raw) {
    const fresh = webPush.generateVAPIDKeys()
    await repo.putSettingIfAbsent(
      SETTING,
      JSON.stringify({
        public_key: fresh.publicKey,
        private_key: encryptSecret(vapidKey(deps.config), fresh.privateKey, CONTEXT),
      }),
    )
    raw = await repo.getSetting(SETTING)
    if (!raw) throw new Error('VAPID keys could not be stored')
  }
  const stored = JSON.parse(raw) as { public_key: string; private_key: string }
  return {
    publicKey: stored.public_key,
    privateKey: decryptSecret(vapidKey(deps.config), stored.private_key, CONTEXT),
    subject: subjectOf(deps.config),
  }
}
