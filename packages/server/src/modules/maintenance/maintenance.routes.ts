import { DependencyBody, MaintenanceBody, MaintenanceOut, SilenceBody, SilenceOut } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import {
  addDependency,
  createMaintenance,
  createSilence,
  deleteMaintenance,
  deleteSilence,
  endSilence,
  listDependencies,
  listMaintenance,
  listSilences,
  removeDependency,
  updateMaintenance,
} from './maintenance.service.js'

const Id = z.string().min(1).max(64)
const IdParams = z.strictObject({ id: Id })
const DependencyOut = z.array(z.object({ parent_id: z.string(), parent_name: z.string() }))

/** Maintenance windows, silences and dependencies: the three ways to say "don't page for this". */
export function maintenanceRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    const mt = { tags: ['maintenance'] }
    app.get('/maintenance', { schema: { ...mt, response: { 200: z.array(MaintenanceOut) } } }, async (req) =>
      listMaintenance(deps, req.ctx),
    )
    app.post(
      '/maintenance',
      { schema: { ...mt, body: MaintenanceBody, response: { 201: MaintenanceOut } } },
      async (req, reply) => reply.code(201).send(await createMaintenance(deps, req.ctx, req.body)),
    )
    app.put(
      '/maintenance/:id',
      { schema: { ...mt, params: IdParams, body: MaintenanceBody, response: { 200: MaintenanceOut } } },
      async (req) => updateMaintenance(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/maintenance/:id', { schema: { ...mt, params: IdParams } }, async (req, reply) => {
      await deleteMaintenance(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })

    const st = { tags: ['silences'] }
    app.get('/silences', { schema: { ...st, response: { 200: z.array(SilenceOut) } } }, async (req) =>
      listSilences(deps, req.ctx),
    )
    app.post('/silences', { schema: { ...st, body: SilenceBody, response: { 201: SilenceOut } } }, async (req, reply) =>
      reply.code(201).send(await createSilence(deps, req.ctx, req.body)),
    )
    app.post('/silences/:id/end', { schema: { ...st, params: IdParams, response: { 200: SilenceOut } } }, async (req) =>
      endSilence(deps, req.ctx, req.params.id),
    )
    app.delete('/silences/:id', { schema: { ...st, params: IdParams } }, async (req, reply) => {
      await deleteSilence(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })

    const dt = { tags: ['monitors'] }
    app.get(
      '/monitors/:id/dependencies',
      { schema: { ...dt, params: IdParams, response: { 200: DependencyOut } } },
      async (req) => listDependencies(deps, req.ctx, req.params.id),
    )
    app.post(
      '/monitors/:id/dependencies',
      { schema: { ...dt, params: IdParams, body: DependencyBody, response: { 201: DependencyOut } } },
      async (req, reply) => reply.code(201).send(await addDependency(deps, req.ctx, req.params.id, req.body.parent_id)),
    )
    app.delete(
      '/monitors/:id/dependencies/:parentId',
      { schema: { ...dt, params: IdParams.extend({ parentId: Id }) } },
      async (req, reply) => {
        await removeDependency(deps, req.ctx, req.params.id, req.params.parentId)
        return reply.code(204).send()
      },
    )
  }
}
