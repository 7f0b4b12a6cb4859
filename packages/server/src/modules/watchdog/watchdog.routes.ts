import { MonitoringStatusOut } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Deps } from '../../core/deps.js'
import { monitoringStatus } from './monitoring-health.js'

/** GET /status/monitoring: public, counts only, so every page (and later status pages) can show a banner. */
export function monitoringStatusRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/status/monitoring',
      {
        schema: {
          tags: ['health'],
          summary: 'Is monitoring degraded (database down, probes offline or lagging)?',
          security: [],
          response: { 200: MonitoringStatusOut },
        },
      },
      async () => monitoringStatus(deps),
    )
  }
}
