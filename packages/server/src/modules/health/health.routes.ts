import { HealthOut } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Deps } from '../../core/deps.js'

export function healthRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/health', { schema: { tags: ['health'], response: { 200: HealthOut } } }, async () => {
      const db = await deps.database.ping()
      return {
        status: db ? ('ok' as const) : ('degraded' as const),
        version: deps.version,
        services: { database: db ? ('ok' as const) : ('down' as const), redis: 'disabled' as const },
      }
    })
  }
}
