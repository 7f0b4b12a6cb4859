import { z } from 'zod'
import { bodyText, COLOR, httpUrl, optionalText, postJson } from './common.js'
import type { ChannelDriver, Outgoing } from './types.js'

export const SlackConfig = z.strictObject({ webhook_url: httpUrl, channel: optionalText(80) })
export type SlackConfig = z.output<typeof SlackConfig>

/** Slack's incoming-webhook attachment (Mattermost accepts the same shape). */
export function slackAttachment(out: Outgoing) {
  const r = out.rendered
  return {
    fallback: r.title,
    color: COLOR[r.severity],
    title: r.title,
    ...(r.link ? { title_link: r.link } : {}),
    text: out.template ? bodyText(out) : r.summary,
    fields: out.template ? [] : r.facts.map(([title, value]) => ({ title, value, short: value.length <= 40 })),
    ts: Math.floor(out.model.at / 1000),
  }
}

export const slack: ChannelDriver<SlackConfig> = {
  kind: 'slack',
  schema: SlackConfig,
  secrets: ['webhook_url'],
  lan: false,
  send: (c, out, io) =>
    postJson(io, c.webhook_url, {
      text: out.rendered.title,
      ...(c.channel ? { channel: c.channel } : {}),
      attachments: [slackAttachment(out)],
    }),
}
