import { LoginBody, MeUpdate, RefreshBody, TokenPair, UserOut } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { requireUser } from '../../http/auth-hook.js'
import { getMe, login, logout, refresh, updateMe } from './auth.service.js'

export function authRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in with username or e-mail (JSON or form-urlencoded, as the OAuth2 password flow)',
          body: LoginBody,
          response: { 200: TokenPair },
        },
      },
      async (req) => login(deps, { ...req.body, ip: req.ip }),
    )
    app.post(
      '/refresh',
      {
        schema: { tags: ['auth'], summary: 'Rotate a refresh token', body: RefreshBody, response: { 200: TokenPair } },
      },
      async (req) => refresh(deps, req.body.refresh_token),
    )
    app.post('/logout', { schema: { tags: ['auth'], body: RefreshBody } }, async (req, reply) => {
      await logout(deps, req.body.refresh_token)
      return reply.code(204).send()
    })
    app.get(
      '/me',
      { preValidation: requireUser(deps), schema: { tags: ['auth'], response: { 200: UserOut } } },
      async (req) => getMe(deps, req.ctx),
    )
    app.patch(
      '/me',
      { preValidation: requireUser(deps), schema: { tags: ['auth'], body: MeUpdate, response: { 200: UserOut } } },
      async (req) => updateMe(deps, req.ctx, req.body),
    )
    app.post(
      '/register',
      { schema: { tags: ['auth'], summary: 'Self-registration is closed; admins create accounts' } },
      async () => {
        throw new AppError('FORBIDDEN', 'registration is invite-only')
      },
    )
  }
}
