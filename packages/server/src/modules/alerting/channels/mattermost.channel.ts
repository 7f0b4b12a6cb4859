import { z } from 'zod'
import { httpUrl, optionalText, postJson } from './common.js'
import { slackAttachment } from './slack.channel.js'
import type { ChannelDriver } from './types.js'

export const MattermostConfig = z.strictObject({
  webhook_url: httpUrl,
  channel: optionalText(80),
  username: z.string().min(1).max(64).default('WhatIsUp'),
})
export type MattermostConfig = z.output<typeof MattermostConfig>

export const mattermost: ChannelDriver<MattermostConfig> = {
  kind: 'mattermost',
  schema: MattermostConfig,
  secrets: ['webhook_url'],
  lan: true,
  send: (c, out, io) =>
    postJson(io, c.webhook_url, {
      username: c.username,
      icon_emoji: ':satellite:',
      ...(c.channel ? { channel: c.channel } : {}),
      text: out.rendered.title,
      attachments: [slackAttachment(out)],
    }),
}
