import webPushLib from 'web-push'
import { z } from 'zod'
import { DeliveryError } from '../delivery/errors.js'
import { expectOk, type HttpReply } from '../delivery/http.js'
import { bodyText } from './common.js'
import type { ChannelDriver, Outgoing } from './types.js'

export const WebPushConfig = z.strictObject({
  /** The owner's browsers to notify; empty = every browser the owner enabled. */
  subscription_ids: z.array(z.string().min(1).max(64)).max(20).default([]),
  /** How long the push service keeps the message for a browser that is offline. */
  ttl_seconds: z.int().min(0).max(2_419_200).default(86_400),
  urgency: z.enum(['very-low', 'low', 'normal', 'high']).default('high'),
})
export type WebPushConfig = z.output<typeof WebPushConfig>

/** Push services accept ~4 KB of encrypted payload: the body is cut well before that. */
const MAX_BODY_CHARS = 1500

/** What the service worker (packages/web/public/sw.js) shows: title, body, and the URL a click opens. */
export function pushPayload(out: Outgoing): string {
  const r = out.rendered
  const body = out.template ? bodyText(out) : r.text.split('\n').slice(1).join('\n')
  return JSON.stringify({
    title: r.title,
    body: body.slice(0, MAX_BODY_CHARS),
    url: r.link,
    tag: out.dedupKey,
    kind: out.model.kind,
    severity: r.severity,
    timestamp: out.model.at,
  })
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291) to the
 * browsers of the channel's owner. One request per browser; a browser the push service no longer
 * knows (404/410) is forgotten. Delivered when at least one browser accepted it (a retry would
 * notify the others twice); retried when none did and a failure was transient.
 */
export const webPush: ChannelDriver<WebPushConfig> = {
  kind: 'web_push',
  schema: WebPushConfig,
  secrets: [],
  lan: false,
  async send(c, out, io) {
    const targets = await io.push.targets(c.subscription_ids)
    if (targets.length === 0)
      throw new DeliveryError('no browser subscribed: enable browser notifications on a device first', true)
    const vapid = await io.push.vapid()
    const payload = pushPayload(out)
    let sent = 0
    let gone = 0
    let failure: HttpReply | DeliveryError | null = null
    for (const t of targets) {
      const details = webPushLib.generateRequestDetails(
        { endpoint: t.endpoint, keys: { p256dh: t.p256dh, auth: t.auth } },
        payload,
        {
          vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
          TTL: c.ttl_seconds,
          urgency: c.urgency,
          contentEncoding: 'aes128gcm',
        },
      )
      const headers = Object.fromEntries(
        Object.entries(details.headers)
          .filter(([k]) => k.toLowerCase() !== 'content-length')
          .map(([k, v]) => [k, String(v)]),
      )
      headers['user-agent'] = `WhatIsUp/${io.version}`
      try {
        const reply = await io.http({ url: t.endpoint, method: 'POST', headers, body: details.body ?? Buffer.alloc(0) })
        if (reply.status === 404 || reply.status === 410) {
          gone++
          await io.push.gone(t.id)
        } else if (reply.status >= 200 && reply.status < 300) {
          sent++
          await io.push.sent(t.id)
        } else failure = reply
      } catch (err) {
        if (!(err instanceof DeliveryError)) throw err
        failure = err
      }
    }
    const summary = `${sent}/${targets.length} browser${targets.length === 1 ? '' : 's'}${gone ? `, ${gone} expired and removed` : ''}`
    if (sent > 0) return `accepted by ${summary}`
    if (failure instanceof DeliveryError) throw failure
    if (failure) expectOk(failure)
    throw new DeliveryError(`every subscription expired (${summary}): enable browser notifications again`, true)
  },
}
