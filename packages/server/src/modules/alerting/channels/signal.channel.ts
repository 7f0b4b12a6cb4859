import { z } from 'zod'
import { bodyText, httpUrl, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number in E.164 form (+33612345678)')

export const SignalConfig = z.strictObject({
  /** The signal-cli REST API gateway, usually on the LAN (http://signal-api:8080). */
  api_url: httpUrl,
  number: E164,
  recipients: z
    .array(z.union([E164, z.string().regex(/^group\.[A-Za-z0-9+/=]{8,200}$/, 'a group id (group.…)')]))
    .min(1)
    .max(20),
})
export type SignalConfig = z.output<typeof SignalConfig>

export const signal: ChannelDriver<SignalConfig> = {
  kind: 'signal',
  schema: SignalConfig,
  secrets: [],
  lan: true,
  send: (c, out, io) =>
    postJson(io, `${trimSlash(c.api_url)}/v2/send`, {
      message: bodyText(out),
      number: c.number,
      recipients: c.recipients,
    }),
}
