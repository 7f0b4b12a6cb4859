import { createHash } from 'node:crypto'
import { iso } from '@whatisup/shared'
import type { Config } from '../../config/config.js'
import type { RequestContext } from '../../core/context.js'
import { decryptSecret, deriveSecretKey, encryptSecret, type SecretKey } from '../../core/crypto.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import { authorize } from '../policy/policy.js'
import { MAX_SUBSCRIPTIONS_PER_USER, type WebPushRow } from './push.repository.js'
import type { SubscriptionInput, SubscriptionOutDto } from './push.schemas.js'
import { pushRepo, vapidKeys } from './vapid.js'

/** A subscription ready to send to (decrypted; never leaves the server). */
export interface PushTarget {
  id: string
  endpoint: string
  p256dh: string
  auth: string
}

const keys = new WeakMap<Config, SecretKey>()
function subscriptionKey(config: Config): SecretKey {
  let k = keys.get(config)
  if (!k) {
    k = deriveSecretKey(config.SECRET_KEY, 'web-push-subscriptions')
    keys.set(config, k)
  }
  return k
}
// Bound to the row: a token copied to another subscription does not decrypt.
const context = (id: string) => `web-push:${id}`

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] })

const toOut = (r: WebPushRow): SubscriptionOutDto => ({
  id: r.id,
  endpoint_host: r.endpoint_host,
  label: r.label,
  created_at: iso(r.created_at),
  last_sent_at: r.last_sent_at === null ? null : iso(r.last_sent_at),
})

/** The public half of the instance's VAPID key pair (the browser's `applicationServerKey`). */
export async function vapidPublicKey(deps: Deps, ctx: RequestContext): Promise<{ public_key: string }> {
  authorize(ctx, 'push:manage')
  return { public_key: (await vapidKeys(deps)).publicKey }
}

export async function listSubscriptions(deps: Deps, ctx: RequestContext): Promise<SubscriptionOutDto[]> {
  authorize(ctx, 'push:manage')
  return (await pushRepo(deps).list(ctx.userId)).map(toOut)
}

/**
 * Registers this browser for the caller. Push services are public HTTPS endpoints; plain http is
 * accepted only where private targets are (ALERTING_ALLOW_PRIVATE_TARGETS, for local testing).
 * The same browser subscribing again updates its keys and keeps its id.
 */
export async function subscribe(
  deps: Deps,
  ctx: RequestContext,
  b: SubscriptionInput,
): Promise<{ created: boolean; subscription: SubscriptionOutDto }> {
  authorize(ctx, 'push:manage')
  const url = new URL(b.endpoint)
  if (url.protocol !== 'https:' && !deps.config.ALERTING_ALLOW_PRIVATE_TARGETS)
    throw invalid('body.endpoint', 'a push endpoint must be an https URL')
  if (url.username || url.password) throw invalid('body.endpoint', 'credentials in the URL are not allowed')
  const repo = pushRepo(deps)
  const hash = createHash('sha256').update(b.endpoint).digest('hex')
  const label = b.label ?? null
  const existing = await repo.findByHash(ctx.userId, hash)
  const id = existing?.id ?? newId(deps.clock.now())
  const secret = encryptSecret(
    subscriptionKey(deps.config),
    JSON.stringify({ endpoint: b.endpoint, p256dh: b.keys.p256dh, auth: b.keys.auth }),
    context(id),
  )
  if (existing) {
    await repo.replaceSecret(id, secret, label ?? existing.label)
    return { created: false, subscription: toOut({ ...existing, label: label ?? existing.label }) }
  }
  if ((await repo.count(ctx.userId)) >= MAX_SUBSCRIPTIONS_PER_USER)
    throw new AppError('CONFLICT', `at most ${MAX_SUBSCRIPTIONS_PER_USER} browsers per user; remove one first`)
  const row: WebPushRow = {
    id,
    user_id: ctx.userId,
    endpoint_hash: hash,
    endpoint_host: url.host,
    secret,
    label,
    created_at: deps.clock.now(),
    last_sent_at: null,
  }
  await repo.insert(row)
  return { created: true, subscription: toOut(row) }
}

export async function unsubscribe(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, 'push:manage', { owner_id: ctx.userId, team_id: null })
  if (!(await pushRepo(deps).delete(ctx.userId, id))) throw notFound('push subscription')
}

/**
 * The subscriptions a channel sends to: the owner's, all or the ones it names. A row that no
 * longer decrypts (SECRET_KEY changed) is skipped: the browser has to subscribe again.
 */
export async function pushTargets(deps: Deps, userId: string, ids: readonly string[]): Promise<PushTarget[]> {
  const rows = (await pushRepo(deps).list(userId)).filter((r) => ids.length === 0 || ids.includes(r.id))
  const out: PushTarget[] = []
  for (const r of rows) {
    try {
      const s = JSON.parse(decryptSecret(subscriptionKey(deps.config), r.secret, context(r.id))) as Omit<
        PushTarget,
        'id'
      >
      out.push({ id: r.id, ...s })
    } catch {
      deps.log.warn({ subscription: r.id }, 'web push subscription does not decrypt; skipped')
    }
  }
  return out
}

/** The push service said the subscription is gone (404/410): forget it. */
export async function forgetSubscription(deps: Deps, userId: string, id: string): Promise<void> {
  await pushRepo(deps).delete(userId, id)
}

export async function markSent(deps: Deps, id: string): Promise<void> {
  await pushRepo(deps).markSent(id, deps.clock.now())
}
