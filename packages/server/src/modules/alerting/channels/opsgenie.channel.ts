import { z } from 'zod'
import { httpUrl, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

export const OpsgenieConfig = z.strictObject({
  api_key: z.string().regex(/^[A-Za-z0-9-]{32,64}$/, 'an Opsgenie API integration key'),
  region: z.enum(['us', 'eu']).default('us'),
  priority: z.enum(['P1', 'P2', 'P3', 'P4', 'P5']).default('P1'),
  /** Empty = the region's API (api.opsgenie.com / api.eu.opsgenie.com). */
  api_base_url: z.union([z.literal(''), httpUrl]).default(''),
})
export type OpsgenieConfig = z.output<typeof OpsgenieConfig>

const BASE = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const

/** Opsgenie Alert API: create, then close by alias (one alias per incident). */
export const opsgenie: ChannelDriver<OpsgenieConfig> = {
  kind: 'opsgenie',
  schema: OpsgenieConfig,
  secrets: ['api_key'],
  lan: false,
  send(c, out, io) {
    const base = trimSlash(c.api_base_url || BASE[c.region])
    const headers = { authorization: `GenieKey ${c.api_key}` }
    const alias = out.dedupKey.slice(0, 512)
    const r = out.rendered
    if (out.model.kind === 'resolved')
      return postJson(
        io,
        `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
        { source: 'WhatIsUp', note: r.text.slice(0, 25_000) },
        headers,
      )
    return postJson(
      io,
      `${base}/v2/alerts`,
      {
        message: r.title.slice(0, 130),
        alias,
        description: r.text.slice(0, 15_000),
        priority: out.model.kind === 'test' ? 'P5' : c.priority,
        source: 'WhatIsUp',
        tags: ['whatisup', out.model.condition],
        details: Object.fromEntries(r.facts.map(([k, v]) => [k, v.slice(0, 8000)])),
      },
      headers,
    )
  },
}
