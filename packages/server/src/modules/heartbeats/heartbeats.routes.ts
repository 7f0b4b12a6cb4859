import { PingOut, RunOut } from '@whatisup/shared'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { listPings, listRuns } from './heartbeats.queries.js'
import { recordPing } from './pings.service.js'

const PingParams = z.object({ slug: z.string().max(200) })
const SignalParams = PingParams.extend({ signal: z.string().max(20) })
// Not strict: cron wrappers add cache-busting parameters; only `rid` means something here.
const PingQuery = z.object({ rid: z.string().max(64).optional() })
const PingAnswer = z.object({ ok: z.literal(true), received_at: z.string() })

/**
 * Public ping URLs: GET/POST/HEAD /ping/{slug}[/start|/fail|/log|/{exit-status}][?rid=<uuid>].
 * Any content type is accepted; the raw body (cut at 10 000 bytes) is stored with the ping.
 */
export function pingRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
    const schema = {
      tags: ['heartbeats'],
      security: [],
      querystring: PingQuery,
      response: { 200: PingAnswer },
    }
    const meta = (req: FastifyRequest<{ Querystring: { rid?: string | undefined } }>) => ({
      method: req.method,
      userAgent: req.headers['user-agent'] ?? null,
      sourceIp: req.ip ?? null,
      body: Buffer.isBuffer(req.body) ? req.body : null,
      rid: req.query.rid ?? null,
    })
    app.route({
      method: ['GET', 'POST'],
      url: '/ping/:slug',
      schema: { ...schema, summary: 'Heartbeat ping: success (no authentication)', params: PingParams },
      handler: async (req) => recordPing(deps, req.params.slug, undefined, meta(req)),
    })
    app.route({
      method: ['GET', 'POST'],
      url: '/ping/:slug/:signal',
      schema: {
        ...schema,
        summary: 'Heartbeat signal: start, fail, log or an exit status 0–255 (no authentication)',
        params: SignalParams,
      },
      handler: async (req) => recordPing(deps, req.params.slug, req.params.signal, meta(req)),
    })
  }
}

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) })

/** A heartbeat monitor's recent pings (with bodies) and runs (with durations), newest first. */
export function heartbeatRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    const tags = ['heartbeats']
    app.get(
      '/monitors/:id/pings',
      { schema: { tags, params: IdParams, querystring: ListQuery, response: { 200: z.array(PingOut) } } },
      async (req) => listPings(deps, req.ctx, req.params.id, req.query.limit),
    )
    app.get(
      '/monitors/:id/runs',
      { schema: { tags, params: IdParams, querystring: ListQuery, response: { 200: z.array(RunOut) } } },
      async (req) => listRuns(deps, req.ctx, req.params.id, req.query.limit),
    )
  }
}
