import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { IdParams, SubscriptionBody, SubscriptionOut, VapidKeyOut } from './push.schemas.js'
import { listSubscriptions, subscribe, unsubscribe, vapidPublicKey } from './push.service.js'

/** Web Push under /api/v1/push: the VAPID public key and the caller's browser subscriptions. */
export function pushRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    const tags = ['push']
    app.get('/push/vapid-public-key', { schema: { tags, response: { 200: VapidKeyOut } } }, async (req) =>
      vapidPublicKey(deps, req.ctx),
    )
    app.get('/push/subscriptions', { schema: { tags, response: { 200: z.array(SubscriptionOut) } } }, async (req) =>
      listSubscriptions(deps, req.ctx),
    )
    app.post(
      '/push/subscriptions',
      { schema: { tags, body: SubscriptionBody, response: { 200: SubscriptionOut, 201: SubscriptionOut } } },
      async (req, reply) => {
        const r = await subscribe(deps, req.ctx, req.body)
        return reply.code(r.created ? 201 : 200).send(r.subscription)
      },
    )
    app.delete('/push/subscriptions/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
      await unsubscribe(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
  }
}
