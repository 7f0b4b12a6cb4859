import { ManualStateBody, ManualStateOut } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { listManualStates, setManualState } from './manual.service.js'

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(20) })

/** /monitors/{id}/manual-state: set a manual monitor's state (POST) and read who set what (GET). */
export function manualRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    const tags = ['manual']
    app.post(
      '/monitors/:id/manual-state',
      { schema: { tags, params: IdParams, body: ManualStateBody, response: { 201: ManualStateOut } } },
      async (req, reply) => reply.code(201).send(await setManualState(deps, req.ctx, req.params.id, req.body)),
    )
    app.get(
      '/monitors/:id/manual-state',
      { schema: { tags, params: IdParams, querystring: ListQuery, response: { 200: z.array(ManualStateOut) } } },
      async (req) => listManualStates(deps, req.ctx, req.params.id, req.query.limit),
    )
  }
}
