import { z } from 'zod'
import { bodyText, httpUrl, optionalText, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

export const NtfyConfig = z.strictObject({
  server_url: httpUrl.default('https://ntfy.sh'),
  topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  token: optionalText(256),
  priority: z.int().min(1).max(5).default(4),
})
export type NtfyConfig = z.output<typeof NtfyConfig>

const TAGS = { critical: ['rotating_light'], warning: ['warning'], ok: ['white_check_mark'], info: ['bell'] } as const

/** ntfy JSON publishing (POST to the server root with the topic in the body). */
export const ntfy: ChannelDriver<NtfyConfig> = {
  kind: 'ntfy',
  schema: NtfyConfig,
  secrets: ['token'],
  lan: true,
  send(c, out, io) {
    const r = out.rendered
    return postJson(
      io,
      trimSlash(c.server_url),
      {
        topic: c.topic,
        title: r.title,
        message: out.template ? bodyText(out) : r.text.split('\n').slice(1).join('\n'),
        priority: out.model.kind === 'resolved' || out.model.kind === 'test' ? 3 : c.priority,
        tags: TAGS[r.severity],
        ...(r.link ? { click: r.link } : {}),
      },
      c.token ? { authorization: `Bearer ${c.token}` } : {},
    )
  },
}
