import { discord } from './discord.channel.js'
import { email } from './email.channel.js'
import { googleChat } from './google-chat.channel.js'
import { gotify } from './gotify.channel.js'
import { matrix } from './matrix.channel.js'
import { mattermost } from './mattermost.channel.js'
import { ntfy } from './ntfy.channel.js'
import { opsgenie } from './opsgenie.channel.js'
import { pagerduty } from './pagerduty.channel.js'
import { pushover } from './pushover.channel.js'
import { signal } from './signal.channel.js'
import { slack } from './slack.channel.js'
import { teams } from './teams.channel.js'
import { telegram } from './telegram.channel.js'
import { type AnyChannelDriver, type ChannelKind, erase } from './types.js'
import { webPush } from './web-push.channel.js'
import { webhook } from './webhook.channel.js'

export {
  type AnyChannelDriver,
  CHANNEL_KINDS,
  type ChannelDriver,
  type ChannelIO,
  type ChannelKind,
  type Outgoing,
} from './types.js'
export { signWebhook } from './webhook.channel.js'

/** Every channel kind and its driver. */
export const CHANNEL_DRIVERS: Record<ChannelKind, AnyChannelDriver> = {
  email: erase(email),
  webhook: erase(webhook),
  slack: erase(slack),
  discord: erase(discord),
  teams: erase(teams),
  mattermost: erase(mattermost),
  telegram: erase(telegram),
  pagerduty: erase(pagerduty),
  opsgenie: erase(opsgenie),
  signal: erase(signal),
  ntfy: erase(ntfy),
  gotify: erase(gotify),
  pushover: erase(pushover),
  matrix: erase(matrix),
  google_chat: erase(googleChat),
  web_push: erase(webPush),
}
