import type { Deps } from '../../../core/deps.js'
import type { AlertChannelRow } from '../../../storage/repositories/index.js'
import { forgetSubscription, markSent, pushTargets, vapidKeys } from '../../push/index.js'
import { openConfig } from '../channel-secrets.js'
import { CHANNEL_DRIVERS, type ChannelIO, type ChannelKind } from '../channels/index.js'
import type { AlertMessage } from '../message.js'
import { type Locale, renderMessage } from '../render.js'
import { DeliveryError } from './errors.js'
import { httpSend } from './http.js'
import { sendMail } from './smtp.js'

/** The only outbound I/O alerting does: SSRF-checked HTTP and SMTP (push goes over the same HTTP). */
export function channelIO(deps: Deps, allowLan: boolean, ownerId: string): ChannelIO {
  const helo = deps.config.PUBLIC_URL ? new URL(deps.config.PUBLIC_URL).hostname : 'whatisup.localdomain'
  return {
    http: (req) => httpSend(req, { allowLan }),
    smtp: (o, mail) => sendMail({ ...o, helo, allowLan }, mail),
    version: deps.version,
    push: {
      targets: (ids) => pushTargets(deps, ownerId, ids),
      vapid: () => vapidKeys(deps),
      gone: (id) => forgetSubscription(deps, ownerId, id),
      sent: (id) => markSent(deps, id),
    },
  }
}

/**
 * Renders one message for one channel (its locale, else its owner's, and its template) and sends
 * it through the channel's driver. Returns the receiver's answer; throws a DeliveryError.
 */
export async function sendToChannel(
  deps: Deps,
  ch: AlertChannelRow,
  model: AlertMessage,
  keys: { idempotencyKey: string; dedupKey: string },
): Promise<string> {
  const driver = CHANNEL_DRIVERS[ch.kind as ChannelKind]
  if (!driver) throw new DeliveryError(`unknown channel kind ${ch.kind}`, true)
  let config: Record<string, unknown>
  try {
    config = driver.schema.parse(openConfig(deps.config, ch)) as Record<string, unknown>
  } catch (err) {
    throw new DeliveryError(`channel configuration unusable: ${err instanceof Error ? err.name : 'invalid'}`, true)
  }
  const owner = ch.locale ? null : await deps.repos.users.findById(ch.owner_id)
  const locale: Locale = (ch.locale ?? owner?.language) === 'fr' ? 'fr' : 'en'
  const allowLan = deps.config.ALERTING_ALLOW_PRIVATE_TARGETS || driver.lan || ch.allow_private === 1
  return driver.send(
    config,
    {
      model,
      rendered: renderMessage(model, locale),
      template: ch.template,
      idempotencyKey: keys.idempotencyKey,
      dedupKey: keys.dedupKey,
      now: deps.clock.now(),
    },
    channelIO(deps, allowLan, ch.owner_id),
  )
}
