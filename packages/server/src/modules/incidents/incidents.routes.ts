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
  getGroup,
  getIncident,
  listGroups,
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

const GroupOut = z.object({
  id: z.string(),
  reason: z.string(),
  status: z.enum(['open', 'resolved']),
  leader_incident_id: z.string(),
  opened_at: z.string(),
  resolved_at: z.string().nullable(),
})

/** Incident groups (one root cause, one page), at the reference path /incident-groups. */
export function incidentGroupRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    app.get(
      '/',
      {
        schema: {
          tags,
          querystring: z.strictObject({
            status: z.enum(['open', 'resolved']).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.array(GroupOut.extend({ member_count: z.int() })) },
        },
      },
      async (req) => listGroups(deps, req.ctx, req.query),
    )
    app.get(
      '/:id',
      {
        schema: { tags, params: IdParams, response: { 200: GroupOut.extend({ incidents: z.array(IncidentSummary) }) } },
      },
      async (req) => getGroup(deps, req.ctx, req.params.id),
    )
  }
}
