import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RequestContext } from '../core/context.js'
import type { Deps } from '../core/deps.js'
import { AppError } from '../core/errors.js'
import { authenticate } from '../modules/auth/auth.service.js'

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext
  }
}

/** preHandler for user routes: a bearer access token is required. */
export function requireUser(deps: Deps) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization
    if (!header) throw new AppError('UNAUTHENTICATED', 'missing Authorization: Bearer token')
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (!m?.[1]) throw new AppError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"')
    req.ctx = await authenticate(deps, m[1])
  }
}
