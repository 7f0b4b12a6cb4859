import {
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  ProbeOut,
  ProbeRegisterBody,
  ProbeUpdateBody,
  ResultBatchAckSchema,
  ResultBatchSchema,
} from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { ingestBatch } from '../ingestion/ingestion.service.js'
import { requireProbe as probeAuth } from './probe-auth.js'
import {
  deleteProbe,
  getProbe,
  heartbeat,
  listProbes,
  registerProbe,
  rotateProbeKey,
  updateProbe,
} from './probes.service.js'

const tags = ['probes']
const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const ProbeKeyHeader = z.object({ 'x-probe-api-key': z.string().max(200).optional() })

export function probeRoutes(deps: Deps): FastifyPluginAsyncZod {
  const requireProbe = probeAuth(deps)
  return async (app) => {
    app.get(
      '/',
      { preValidation: requireUser(deps), schema: { tags, response: { 200: z.array(ProbeOut) } } },
      async (req) => listProbes(deps, req.ctx),
    )
    app.post(
      '/register',
      {
        preValidation: requireUser(deps),
        schema: {
          tags,
          summary: 'Register a probe (superadmin). The api_key is shown once.',
          body: ProbeRegisterBody,
          response: { 201: ProbeOut.extend({ api_key: z.string() }) },
        },
      },
      async (req, reply) => reply.code(201).send(await registerProbe(deps, req.ctx, req.body)),
    )
    const user = { preValidation: requireUser(deps) }
    app.get('/:id', { ...user, schema: { tags, params: IdParams, response: { 200: ProbeOut } } }, async (req) =>
      getProbe(deps, req.ctx, req.params.id),
    )
    app.patch(
      '/:id',
      {
        ...user,
        schema: {
          tags,
          summary: 'Update a probe; is_active=false revokes its key',
          params: IdParams,
          body: ProbeUpdateBody,
          response: { 200: ProbeOut },
        },
      },
      async (req) => updateProbe(deps, req.ctx, req.params.id, req.body),
    )
    app.post(
      '/:id/rotate-key',
      {
        ...user,
        schema: {
          tags,
          summary: 'Issue a new key (shown once); the old one stops working',
          params: IdParams,
          response: { 200: ProbeOut.extend({ api_key: z.string() }) },
        },
      },
      async (req) => rotateProbeKey(deps, req.ctx, req.params.id),
    )
    app.delete('/:id', { ...user, schema: { tags, params: IdParams } }, async (req, reply) => {
      await deleteProbe(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
    app.post(
      '/heartbeat',
      {
        preValidation: requireProbe,
        schema: {
          tags,
          summary: 'Probe health in, assignment out (X-Probe-Api-Key)',
          headers: ProbeKeyHeader,
          body: HeartbeatRequestSchema,
          response: { 200: HeartbeatResponseSchema },
        },
      },
      async (req) => heartbeat(deps, req.probe, req.body),
    )
    app.post(
      '/results',
      {
        preValidation: requireProbe,
        schema: {
          tags,
          summary: 'Upload a batch of results; batch_id makes retries idempotent (X-Probe-Api-Key)',
          headers: ProbeKeyHeader,
          body: ResultBatchSchema,
          response: { 202: ResultBatchAckSchema },
        },
      },
      async (req, reply) => {
        return reply.code(202).send(await ingestBatch(deps, req.probe, req.body))
      },
    )
  }
}
