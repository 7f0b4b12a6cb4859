import { z } from 'zod'
import { bodyText, httpUrl, optionalText, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

const KEY = z.string().regex(/^[A-Za-z0-9]{30}$/, '30 letters and digits')

export const PushoverConfig = z.strictObject({
  user_key: KEY,
  app_token: KEY,
  priority: z.int().min(-2).max(1).default(1),
  device: optionalText(25),
  api_base_url: httpUrl.default('https://api.pushover.net'),
})
export type PushoverConfig = z.output<typeof PushoverConfig>

export const pushover: ChannelDriver<PushoverConfig> = {
  kind: 'pushover',
  schema: PushoverConfig,
  secrets: ['user_key', 'app_token'],
  lan: false,
  send(c, out, io) {
    const r = out.rendered
    return postJson(io, `${trimSlash(c.api_base_url)}/1/messages.json`, {
      token: c.app_token,
      user: c.user_key,
      title: r.title.slice(0, 250),
      message: (out.template ? bodyText(out) : r.text.split('\n').slice(1).join('\n') || r.title).slice(0, 1024),
      priority: out.model.kind === 'resolved' || out.model.kind === 'test' ? 0 : c.priority,
      timestamp: Math.floor(out.model.at / 1000),
      ...(c.device ? { device: c.device } : {}),
      ...(r.link ? { url: r.link, url_title: 'WhatIsUp' } : {}),
    })
  },
}
