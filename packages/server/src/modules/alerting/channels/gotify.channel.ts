import { z } from 'zod'
import { bodyText, httpUrl, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

export const GotifyConfig = z.strictObject({
  server_url: httpUrl,
  app_token: z.string().min(8).max(128),
  priority: z.int().min(0).max(10).default(8),
})
export type GotifyConfig = z.output<typeof GotifyConfig>

export const gotify: ChannelDriver<GotifyConfig> = {
  kind: 'gotify',
  schema: GotifyConfig,
  secrets: ['app_token'],
  lan: true,
  send(c, out, io) {
    const r = out.rendered
    return postJson(
      io,
      `${trimSlash(c.server_url)}/message`,
      {
        title: r.title,
        message: out.template ? bodyText(out) : r.text.split('\n').slice(1).join('\n'),
        priority: out.model.kind === 'resolved' ? Math.min(c.priority, 5) : c.priority,
        ...(r.link ? { extras: { 'client::notification': { click: { url: r.link } } } } : {}),
      },
      { 'x-gotify-key': c.app_token },
    )
  },
}
