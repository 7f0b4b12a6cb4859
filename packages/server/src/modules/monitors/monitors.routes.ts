import {
  BulkAction,
  BulkResult,
  IncidentOut,
  MonitorCreate,
  MonitorListQuery,
  MonitorOut,
  MonitorUpdate,
  ResultOut,
} from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { bulkMonitors } from './monitors.bulk.js'
import { monitorSecretKey } from './monitors.secrets.js'
import {
  createMonitor,
  deleteMonitor,
  getMonitor,
  listIncidents,
  listMonitors,
  listResults,
  setEnabled,
  updateMonitor,
} from './monitors.service.js'

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const ResultsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(2000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  since: z.iso.datetime({ offset: true }).optional(),
})
const IncidentsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  resolved: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
})
const tags = ['monitors']

export function monitorRoutes(deps: Deps): FastifyPluginAsyncZod {
  // Registers this server's key before any probe asks for its (decrypted) assignment.
  monitorSecretKey(deps.config)
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))

    app.get(
      '/',
      {
        schema: {
          tags,
          summary: 'List visible monitors (total in X-Total-Count)',
          querystring: MonitorListQuery,
          response: { 200: z.array(MonitorOut) },
        },
      },
      async (req, reply) => {
        const { items, total } = await listMonitors(deps, req.ctx, req.query)
        void reply.header('x-total-count', String(total))
        return items
      },
    )
    app.post('/', { schema: { tags, body: MonitorCreate, response: { 201: MonitorOut } } }, async (req, reply) =>
      reply.code(201).send(await createMonitor(deps, req.ctx, req.body)),
    )
    app.post(
      '/bulk',
      {
        schema: {
          tags,
          summary: 'One action over up to 200 monitors; ids the caller may not change come back in not_found',
          body: BulkAction,
          response: { 200: BulkResult },
        },
      },
      async (req) => bulkMonitors(deps, req.ctx, req.body),
    )
    app.get('/:id', { schema: { tags, params: IdParams, response: { 200: MonitorOut } } }, async (req) =>
      getMonitor(deps, req.ctx, req.params.id),
    )
    app.patch(
      '/:id',
      { schema: { tags, params: IdParams, body: MonitorUpdate, response: { 200: MonitorOut } } },
      async (req) => updateMonitor(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/:id', { schema: { tags, params: IdParams } }, async (req, reply) => {
      await deleteMonitor(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
    app.post('/:id/pause', { schema: { tags, params: IdParams, response: { 200: MonitorOut } } }, async (req) =>
      setEnabled(deps, req.ctx, req.params.id, false),
    )
    app.post('/:id/resume', { schema: { tags, params: IdParams, response: { 200: MonitorOut } } }, async (req) =>
      setEnabled(deps, req.ctx, req.params.id, true),
    )
    app.get(
      '/:id/results',
      {
        schema: {
          tags,
          summary: 'Recent results, newest first',
          params: IdParams,
          querystring: ResultsQuery,
          response: { 200: z.array(ResultOut) },
        },
      },
      async (req) => listResults(deps, req.ctx, req.params.id, req.query),
    )
    app.get(
      '/:id/incidents',
      { schema: { tags, params: IdParams, querystring: IncidentsQuery, response: { 200: z.array(IncidentOut) } } },
      async (req) => listIncidents(deps, req.ctx, req.params.id, req.query),
    )
  }
}
