import type { z } from 'zod'
import type { PushTarget, VapidKeys } from '../../push/index.js'
import type { HttpReply, HttpRequest } from '../delivery/http.js'
import type { MailEnvelope, SmtpOptions } from '../delivery/smtp.js'
import type { AlertMessage } from '../message.js'
import type { Rendered } from '../render.js'

/** Every channel kind. The registry is `Record<ChannelKind, ChannelDriver>`: a new kind fails the build until it has a driver. */
export const CHANNEL_KINDS = [
  'email',
  'webhook',
  'slack',
  'discord',
  'teams',
  'mattermost',
  'telegram',
  'pagerduty',
  'opsgenie',
  'signal',
  'ntfy',
  'gotify',
  'pushover',
  'matrix',
  'google_chat',
  'web_push',
] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

/** One notification, ready for a driver. */
export interface Outgoing {
  model: AlertMessage
  rendered: Rendered
  /** The channel's template override (`{{var}}` placeholders), or null. */
  template: string | null
  /** Unique per delivery: receivers that de-duplicate (Matrix txn id, webhook header) use it. */
  idempotencyKey: string
  /** Stable per incident or condition episode: trigger/resolve APIs (PagerDuty, Opsgenie) key on it. */
  dedupKey: string
  now: number
}

/** The I/O a driver may do: SSRF-checked HTTP and SMTP, and the channel owner's push subscriptions. */
export interface ChannelIO {
  http(req: HttpRequest): Promise<HttpReply>
  smtp(opts: Omit<SmtpOptions, 'allowLan' | 'helo'>, mail: MailEnvelope): Promise<string>
  version: string
  push: PushIO
}

/** Web Push: the browsers of the channel's owner and the instance's VAPID keys. */
export interface PushIO {
  /** The owner's subscriptions; all of them when `ids` is empty. */
  targets(ids: readonly string[]): Promise<PushTarget[]>
  vapid(): Promise<VapidKeys>
  /** The push service answered 404/410: the subscription is gone for good. */
  gone(id: string): Promise<void>
  sent(id: string): Promise<void>
}

/**
 * A notification channel: its config schema (validated at save time), which config fields are
 * secrets (encrypted at rest, never returned), whether LAN targets are allowed, and how to send.
 * `send` returns a short description of the receiver's answer or throws a DeliveryError.
 *
 * @example
 * export const gotify: ChannelDriver<GotifyConfig> = {
 *   kind: 'gotify', schema: GotifyConfig, secrets: ['app_token'], lan: true,
 *   async send(c, out, io) { return expectOk(await io.http({ url: `${c.server_url}/message`, … })) },
 * }
 */
export interface ChannelDriver<C extends object = Record<string, unknown>> {
  kind: ChannelKind
  schema: z.ZodType<C>
  secrets: readonly (keyof C & string)[]
  /** Private and loopback addresses allowed (self-hosted gateways). */
  lan: boolean
  send(config: C, out: Outgoing, io: ChannelIO): Promise<string>
}

/** A driver with its config type erased, as the registry holds it (configs are parsed by `schema` first). */
export interface AnyChannelDriver {
  kind: ChannelKind
  schema: z.ZodType
  secrets: readonly string[]
  lan: boolean
  send(config: unknown, out: Outgoing, io: ChannelIO): Promise<string>
}

/** Registers a typed driver: only ever called with a config its own schema produced. */
export const erase = <C extends object>(d: ChannelDriver<C>): AnyChannelDriver => d as unknown as AnyChannelDriver
