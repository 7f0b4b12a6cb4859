import { z } from 'zod'
import { bodyText, colorInt, httpUrl, postJson } from './common.js'
import type { ChannelDriver } from './types.js'

export const DiscordConfig = z.strictObject({
  webhook_url: httpUrl,
  username: z.string().min(1).max(80).default('WhatIsUp'),
})
export type DiscordConfig = z.output<typeof DiscordConfig>

export const discord: ChannelDriver<DiscordConfig> = {
  kind: 'discord',
  schema: DiscordConfig,
  secrets: ['webhook_url'],
  lan: false,
  send(c, out, io) {
    const r = out.rendered
    const embed = {
      title: r.title.slice(0, 256),
      ...(r.link ? { url: r.link } : {}),
      description: (out.template ? bodyText(out) : r.summary).slice(0, 4000),
      color: colorInt(out),
      fields: out.template
        ? []
        : r.facts
            .slice(0, 25)
            .map(([name, value]) => ({ name, value: value.slice(0, 1024), inline: value.length <= 40 })),
      timestamp: new Date(out.model.at).toISOString(),
    }
    // allowed_mentions: names in alerts must never ping @everyone.
    return postJson(io, c.webhook_url, { username: c.username, embeds: [embed], allowed_mentions: { parse: [] } })
  },
}
