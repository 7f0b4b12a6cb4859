import { z } from 'zod'
import { bodyText, httpUrl, postJson } from './common.js'
import type { ChannelDriver } from './types.js'

export const TeamsConfig = z.strictObject({ webhook_url: httpUrl })
export type TeamsConfig = z.output<typeof TeamsConfig>

const COLOR = { critical: 'attention', warning: 'warning', ok: 'good', info: 'accent' } as const

/** Microsoft Teams (Workflows / Power Automate webhook): one Adaptive Card 1.5. */
export const teams: ChannelDriver<TeamsConfig> = {
  kind: 'teams',
  schema: TeamsConfig,
  secrets: ['webhook_url'],
  lan: false,
  send(c, out, io) {
    const r = out.rendered
    const body: unknown[] = [
      { type: 'TextBlock', size: 'Large', weight: 'Bolder', color: COLOR[r.severity], text: r.title, wrap: true },
    ]
    if (out.template) body.push({ type: 'TextBlock', text: bodyText(out), wrap: true })
    else {
      if (r.summary) body.push({ type: 'TextBlock', text: r.summary, wrap: true })
      if (r.facts.length) body.push({ type: 'FactSet', facts: r.facts.map(([title, value]) => ({ title, value })) })
    }
    const card = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.5',
      body,
      ...(r.link ? { actions: [{ type: 'Action.OpenUrl', title: 'WhatIsUp', url: r.link }] } : {}),
    }
    return postJson(io, c.webhook_url, {
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
    })
  },
}
