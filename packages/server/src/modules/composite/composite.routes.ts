import { CompositeMemberBody, CompositeMemberOut, CompositeMemberPatch } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { addMember, listMembers, removeMember, updateMember } from './composite.service.js'

const Id = z.string().min(1).max(64)
const IdParams = z.strictObject({ id: Id })
const MemberParams = z.strictObject({ id: Id, memberId: Id })
const Members = z.array(CompositeMemberOut)

/** /monitors/{id}/composite-members: the monitors a composite combines, with weights and roles. */
export function compositeRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preValidation', requireUser(deps))
    const tags = ['composite']
    const base = '/monitors/:id/composite-members'
    app.get(base, { schema: { tags, params: IdParams, response: { 200: Members } } }, async (req) =>
      listMembers(deps, req.ctx, req.params.id),
    )
    app.post(
      base,
      { schema: { tags, params: IdParams, body: CompositeMemberBody, response: { 201: Members } } },
      async (req, reply) => reply.code(201).send(await addMember(deps, req.ctx, req.params.id, req.body)),
    )
    app.patch(
      `${base}/:memberId`,
      { schema: { tags, params: MemberParams, body: CompositeMemberPatch, response: { 200: Members } } },
      async (req) => updateMember(deps, req.ctx, req.params.id, req.params.memberId, req.body),
    )
    app.delete(`${base}/:memberId`, { schema: { tags, params: MemberParams } }, async (req, reply) => {
      await removeMember(deps, req.ctx, req.params.id, req.params.memberId)
      return reply.code(204).send()
    })
  }
}
