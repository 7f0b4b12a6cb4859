import { createHash } from 'node:crypto'
import { z } from 'zod'
import { htmlEscape } from '../render.js'
import { bodyText, httpUrl, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

export const MatrixConfig = z.strictObject({
  homeserver_url: httpUrl,
  room_id: z.string().regex(/^![^:]+:.+$/, 'a room id (!abc:example.org)'),
  access_token: z.string().min(8).max(512),
})
export type MatrixConfig = z.output<typeof MatrixConfig>

/**
 * Matrix client-server API. The transaction id derives from the idempotency key, so a retried
 * delivery is de-duplicated by the homeserver itself.
 */
export const matrix: ChannelDriver<MatrixConfig> = {
  kind: 'matrix',
  schema: MatrixConfig,
  secrets: ['access_token'],
  lan: true,
  send(c, out, io) {
    const r = out.rendered
    const txn = createHash('sha256').update(out.idempotencyKey).digest('hex').slice(0, 32)
    const text = bodyText(out)
    const html = out.template
      ? htmlEscape(text)
      : [
          `<b>${htmlEscape(r.title)}</b>`,
          ...(r.summary ? [htmlEscape(r.summary)] : []),
          ...r.facts.map(([k, v]) => `<b>${htmlEscape(k)}:</b> ${htmlEscape(v)}`),
          ...(r.link ? [`<a href="${htmlEscape(r.link)}">WhatIsUp</a>`] : []),
        ].join('<br>')
    const url = `${trimSlash(c.homeserver_url)}/_matrix/client/v3/rooms/${encodeURIComponent(c.room_id)}/send/m.room.message/${txn}`
    return postJson(
      io,
      url,
      { msgtype: 'm.text', body: text, format: 'org.matrix.custom.html', formatted_body: html },
      { authorization: `Bearer ${c.access_token}` },
      'PUT',
    )
  },
}
