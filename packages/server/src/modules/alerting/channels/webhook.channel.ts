import { createHmac } from 'node:crypto'
import { z } from 'zod'
import { expectOk } from '../delivery/http.js'
import { applyTemplate, jsonEscape } from '../render.js'
import { httpUrl, optionalText } from './common.js'
import type { ChannelDriver, Outgoing } from './types.js'

export const WebhookConfig = z.strictObject({
  url: httpUrl,
  /** HMAC key: with it every request carries X-WhatIsUp-Signature. */
  secret: optionalText(256),
  method: z.enum(['POST', 'PUT']).default('POST'),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1024))
    .refine((h) => Object.keys(h).length <= 10, { message: 'at most 10 headers' })
    .default({}),
})
export type WebhookConfig = z.output<typeof WebhookConfig>

const EVENT: Record<Outgoing['model']['kind'], string> = {
  opened: 'incident.opened',
  escalated: 'incident.escalated',
  renotify: 'incident.reminder',
  resolved: 'incident.resolved',
  digest: 'alert.digest',
  test: 'test',
}

/** The default JSON body: the message model plus its rendering. */
export function webhookBody(out: Outgoing): Record<string, unknown> {
  const m = out.model
  return {
    event: EVENT[m.kind],
    condition: m.condition,
    idempotency_key: out.idempotencyKey,
    timestamp: new Date(m.at).toISOString(),
    rule: m.rule,
    monitor: m.monitor,
    incident: m.incident && {
      ...m.incident,
      started_at: new Date(m.incident.started_at).toISOString(),
      resolved_at: m.incident.resolved_at === null ? null : new Date(m.incident.resolved_at).toISOString(),
      url: m.links.incident,
    },
    probe: m.probe,
    affected_probes: m.affected_probes,
    observation: m.observation,
    failing_conditions: m.failing,
    changes: m.changes,
    http_status: m.http_status,
    error: m.error,
    timings: m.timings,
    digest: m.digest,
    message: { title: out.rendered.title, summary: out.rendered.summary, text: out.rendered.text },
  }
}

/**
 * Signature over `<timestamp>.<raw body>`: a receiver recomputes it with the shared secret and
 * rejects requests whose timestamp is too old, so a captured request cannot be replayed later.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export const webhook: ChannelDriver<WebhookConfig> = {
  kind: 'webhook',
  schema: WebhookConfig,
  secrets: ['secret'],
  lan: false,
  async send(c, out, io) {
    let body: string
    let type = 'application/json'
    if (out.template) {
      // Values are JSON-escaped: the template author writes the quotes ("{{monitor_name}}").
      body = applyTemplate(out.template, out.rendered.vars, jsonEscape)
      const t = body.trimStart()
      if (!t.startsWith('{') && !t.startsWith('[')) type = 'text/plain; charset=utf-8'
    } else body = JSON.stringify(webhookBody(out))
    const timestamp = String(Math.floor(out.now / 1000))
    const headers: Record<string, string> = {
      ...c.headers,
      'content-type': type,
      'user-agent': `WhatIsUp/${io.version}`,
      'x-whatisup-event': EVENT[out.model.kind],
      'x-whatisup-delivery': out.idempotencyKey,
      'x-whatisup-timestamp': timestamp,
    }
    if (c.secret) headers['x-whatisup-signature'] = signWebhook(c.secret, timestamp, body)
    return expectOk(await io.http({ url: c.url, method: c.method, headers, body }))
  },
}
