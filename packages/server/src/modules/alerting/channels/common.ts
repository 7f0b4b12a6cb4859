import { z } from 'zod'
import { expectOk } from '../delivery/http.js'
import { applyTemplate } from '../render.js'
import type { ChannelIO, Outgoing } from './types.js'

export const httpUrl = z.url({ protocol: /^https?$/ }).max(2048)
export const optionalText = (max: number) => z.string().max(max).default('')

/** The message text: the channel's template when it has one, else the standard rendering. */
export const bodyText = (out: Outgoing): string =>
  out.template ? applyTemplate(out.template, out.rendered.vars) : out.rendered.text

export const COLOR = { critical: '#dc3545', warning: '#f0ad4e', ok: '#36a64f', info: '#4f9cf9' } as const
export const colorInt = (out: Outgoing) => Number.parseInt(COLOR[out.rendered.severity].slice(1), 16)

export const trimSlash = (u: string) => u.replace(/\/+$/, '')

/** POSTs JSON and returns the receiver's status line (throws a classified DeliveryError otherwise). */
export async function postJson(
  io: ChannelIO,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  method: 'POST' | 'PUT' = 'POST',
): Promise<string> {
  return expectOk(
    await io.http({
      url,
      method,
      headers: { 'content-type': 'application/json', 'user-agent': `WhatIsUp/${io.version}`, ...headers },
      body: JSON.stringify(body),
    }),
  )
}
