import { z } from 'zod'
import { bodyText, httpUrl, postJson } from './common.js'
import type { ChannelDriver } from './types.js'

export const GoogleChatConfig = z.strictObject({ webhook_url: httpUrl })
export type GoogleChatConfig = z.output<typeof GoogleChatConfig>

/** Google Chat incoming webhook; messages of one incident share a thread. */
export const googleChat: ChannelDriver<GoogleChatConfig> = {
  kind: 'google_chat',
  schema: GoogleChatConfig,
  secrets: ['webhook_url'],
  lan: false,
  send(c, out, io) {
    const u = new URL(c.webhook_url)
    u.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD')
    const text = out.template
      ? bodyText(out)
      : `*${out.rendered.title}*\n${out.rendered.text.split('\n').slice(1).join('\n')}`
    return postJson(io, u.toString(), { text, thread: { threadKey: out.dedupKey } })
  },
}
