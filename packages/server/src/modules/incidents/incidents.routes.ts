import {
  BulkAckBody,
  IncidentDetail,
  IncidentListQuery,
  IncidentSummary,
  IncidentUpdateBody,
  IncidentUpdateOut,
  SnoozeBody,
} from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import {
  ack,
  addUpdate,
  bulkAck,
  deleteUpdate,
  getIncident,
  listIncidents,
  postmortem,
  snooze,
} from './incidents.service.js'

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const tags = ['incidents']

export function incidentRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    app.get(
      '/',
      { schema: { tags, querystring: IncidentListQuery, response: { 200: z.array(IncidentSummary) } } },
      async (req) => listIncidents(deps, req.ctx, req.query),
    )
    app.post(
      '/bulk-ack',
      { schema: { tags, body: BulkAckBody, response: { 200: z.object({ affected: z.int() }) } } },
      async (req) => bulkAck(deps, req.ctx, req.body.ids),
    )
    app.get('/:id', { schema: { tags, params: IdParams, response: { 200: IncidentDetail } } }, async (req) =>
      getIncident(deps, req.ctx, req.params.id),
    )
    app.post('/:id/ack', { schema: { tags, params: IdParams, response: { 200: IncidentDetail } } }, async (req) =>
      ack(deps, req.ctx, req.params.id, true),
    )
    app.post('/:id/unack', { schema: { tags, params: IdParams, response: { 200: IncidentDetail } } }, async (req) =>
      ack(deps, req.ctx, req.params.id, false),
    )
    app.post(
      '/:id/snooze',
      { schema: { tags, params: IdParams, body: SnoozeBody, response: { 200: IncidentDetail } } },
      async (req) => snooze(deps, req.ctx, req.params.id, req.body.duration_minutes),
    )
    app.post('/:id/unsnooze', { schema: { tags, params: IdParams, response: { 200: IncidentDetail } } }, async (req) =>
      snooze(deps, req.ctx, req.params.id, null),
    )
    app.get(
      '/:id/updates',
      { schema: { tags, params: IdParams, response: { 200: z.array(IncidentUpdateOut) } } },
      async (req) => (await getIncident(deps, req.ctx, req.params.id)).updates,
    )
    app.post(
      '/:id/updates',
      { schema: { tags, params: IdParams, body: IncidentUpdateBody, response: { 201: z.array(IncidentUpdateOut) } } },
      async (req, reply) => reply.code(201).send(await addUpdate(deps, req.ctx, req.params.id, req.body)),
    )
    app.delete(
      '/:id/updates/:updateId',
      { schema: { tags, params: IdParams.extend({ updateId: z.string().min(1).max(64) }) } },
      async (req, reply) => {
        await deleteUpdate(deps, req.ctx, req.params.id, req.params.updateId)
        return reply.code(204).send()
      },
    )
    app.get(
      '/:id/postmortem',
      {
        schema: {
          tags,
          params: IdParams,
          response: { 200: z.object({ content: z.string(), generated_at: z.string() }) },
        },
      },
      async (req) => postmortem(deps, req.ctx, req.params.id),
    )
  }
}
