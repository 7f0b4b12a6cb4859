import { z } from 'zod'
import { httpUrl, postJson, trimSlash } from './common.js'
import type { ChannelDriver } from './types.js'

export const PagerDutyConfig = z.strictObject({
  routing_key: z.string().regex(/^[A-Za-z0-9]{20,64}$/, 'the Events API v2 integration key'),
  severity: z.enum(['critical', 'error', 'warning', 'info']).default('critical'),
  api_base_url: httpUrl.default('https://events.pagerduty.com'),
})
export type PagerDutyConfig = z.output<typeof PagerDutyConfig>

/** PagerDuty Events API v2: trigger and resolve one alert per incident (dedup_key). */
export const pagerduty: ChannelDriver<PagerDutyConfig> = {
  kind: 'pagerduty',
  schema: PagerDutyConfig,
  secrets: ['routing_key'],
  lan: false,
  send(c, out, io) {
    const url = `${trimSlash(c.api_base_url)}/v2/enqueue`
    const m = out.model
    if (m.kind === 'resolved')
      return postJson(io, url, { routing_key: c.routing_key, event_action: 'resolve', dedup_key: out.dedupKey })
    const r = out.rendered
    return postJson(io, url, {
      routing_key: c.routing_key,
      event_action: 'trigger',
      dedup_key: out.dedupKey,
      payload: {
        summary: `${r.title}${r.summary ? ` — ${r.summary}` : ''}`.slice(0, 1024),
        source: m.monitor?.target ?? m.probe?.name ?? 'WhatIsUp',
        severity: m.kind === 'test' ? 'info' : r.severity === 'critical' ? c.severity : 'warning',
        timestamp: new Date(m.at).toISOString(),
        component: m.monitor?.name,
        class: m.condition,
        custom_details: Object.fromEntries(r.facts),
      },
      ...(r.link ? { links: [{ href: r.link, text: 'WhatIsUp' }] } : {}),
    })
  },
}
