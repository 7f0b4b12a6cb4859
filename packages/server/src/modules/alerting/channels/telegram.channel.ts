import { z } from 'zod'
import { htmlEscape } from '../render.js'
import { bodyText, httpUrl, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

export const TelegramConfig = z.strictObject({
  bot_token: z.string().regex(/^\d+:[A-Za-z0-9_-]{10,}$/, 'expected <digits>:<token> from @BotFather'),
  chat_id: z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/, 'a numeric chat id or @channel'),
  api_base_url: httpUrl.default('https://api.telegram.org'),
})
export type TelegramConfig = z.output<typeof TelegramConfig>

export const telegram: ChannelDriver<TelegramConfig> = {
  kind: 'telegram',
  schema: TelegramConfig,
  secrets: ['bot_token'],
  lan: false,
  send(c, out, io) {
    const r = out.rendered
    const text = out.template
      ? htmlEscape(bodyText(out))
      : [
          `<b>${htmlEscape(r.title)}</b>`,
          ...(r.summary ? [htmlEscape(r.summary)] : []),
          ...r.facts.map(([k, v]) => `<b>${htmlEscape(k)}:</b> ${htmlEscape(v)}`),
          ...(r.link ? [`<a href="${htmlEscape(r.link)}">WhatIsUp</a>`] : []),
        ].join('\n')
    return postJson(io, `${trimSlash(c.api_base_url)}/bot${c.bot_token}/sendMessage`, {
      chat_id: c.chat_id,
      text: text.slice(0, 4096),
      parse_mode: 'HTML',
      disable_web_page_preview: true,
    })
  },
}
