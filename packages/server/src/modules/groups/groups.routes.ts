import { GroupCreate, GroupOut, GroupUpdate, MonitorOut, TagCreate, TagOut, TagUpdate } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import {
  createGroup,
  createTag,
  deleteGroup,
  deleteTag,
  getGroup,
  listGroupMonitors,
  listGroups,
  listTags,
  updateGroup,
  updateTag,
} from './groups.service.js'

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})

/** /groups and /tags: how monitors are filed, and what filters, bulk actions and rules target. */
export function groupRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    const gt = { tags: ['groups'] }
    app.get('/groups', { schema: { ...gt, response: { 200: z.array(GroupOut) } } }, async (req) =>
      listGroups(deps, req.ctx),
    )
    app.post('/groups', { schema: { ...gt, body: GroupCreate, response: { 201: GroupOut } } }, async (req, reply) =>
      reply.code(201).send(await createGroup(deps, req.ctx, req.body)),
    )
    app.get('/groups/:id', { schema: { ...gt, params: IdParams, response: { 200: GroupOut } } }, async (req) =>
      getGroup(deps, req.ctx, req.params.id),
    )
    app.patch(
      '/groups/:id',
      { schema: { ...gt, params: IdParams, body: GroupUpdate, response: { 200: GroupOut } } },
      async (req) => updateGroup(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/groups/:id', { schema: { ...gt, params: IdParams } }, async (req, reply) => {
      await deleteGroup(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
    app.get(
      '/groups/:id/monitors',
      {
        schema: {
          ...gt,
          summary: 'The group’s monitors by name (total in X-Total-Count)',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: z.array(MonitorOut) },
        },
      },
      async (req, reply) => {
        const { items, total } = await listGroupMonitors(deps, req.ctx, req.params.id, req.query)
        void reply.header('x-total-count', String(total))
        return items
      },
    )

    const tt = { tags: ['tags'] }
    app.get('/tags', { schema: { ...tt, response: { 200: z.array(TagOut) } } }, async (req) => listTags(deps, req.ctx))
    app.post(
      '/tags',
      {
        schema: {
          ...tt,
          summary: 'Idempotent: an existing label answers 201 too',
          body: TagCreate,
          response: { 201: TagOut },
        },
      },
      async (req, reply) => reply.code(201).send(await createTag(deps, req.ctx, req.body)),
    )
    app.patch(
      '/tags/:id',
      { schema: { ...tt, params: IdParams, body: TagUpdate, response: { 200: TagOut } } },
      async (req) => updateTag(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/tags/:id', { schema: { ...tt, params: IdParams } }, async (req, reply) => {
      await deleteTag(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
  }
}
