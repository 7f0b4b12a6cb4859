import { existsSync } from 'node:fs'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { resolve } from 'node:path'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { Deps } from './core/deps.js'
import { AppError } from './core/errors.js'
import { newId } from './core/ids.js'
import { installErrorHandler } from './http/error-handler.js'
import { alertingRoutes } from './modules/alerting/index.js'
import { analyticsPlugin } from './modules/analytics/index.js'
import { authRoutes } from './modules/auth/index.js'
import { diagnosticsRoutes } from './modules/diagnostics/index.js'
import { groupRoutes } from './modules/groups/index.js'
import { healthRoutes } from './modules/health/health.routes.js'
import { incidentGroupRoutes, incidentRoutes } from './modules/incidents/index.js'
import { maintenanceRoutes } from './modules/maintenance/index.js'
import { monitorRoutes } from './modules/monitors/index.js'
import { commandRoutes, probeRoutes } from './modules/probes/index.js'
import { pushRoutes } from './modules/push/index.js'
import { realtimeRoutes } from './modules/realtime/index.js'
import { reportRoutes } from './modules/reports/index.js'
import { serverMonitorRoutes } from './modules/server-monitors/index.js'
import { refreshTileCsp, settingsRoutes, tileImgSrc } from './modules/settings/index.js'

const DEFAULT_WEB_DIST = resolve(import.meta.dirname, '../../web/dist')

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>

/** Builds the HTTP app on top of ready dependencies. Tests call this and `app.inject()`. */
export async function buildApp(deps: Deps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: () => newId(),
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installErrorHandler(app)

  // The map's tile host is an instance setting: keep the cached CSP source fresh before helmet reads it.
  app.addHook('onRequest', async () => refreshTileCsp(deps))
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', () => tileImgSrc(deps) ?? "'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        frameAncestors: ["'none'"],
      },
    },
  })
  // The OAuth2 password flow posts form-urlencoded credentials to /auth/login.
  await app.register(formbody)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'WhatIsUp API', version: deps.version },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          probeKey: { type: 'apiKey', in: 'header', name: 'X-Probe-Api-Key' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  await app.register(healthRoutes(deps), { prefix: '/api' })
  await app.register(analyticsPlugin(deps))
  await app.register(
    async (v1) => {
      await v1.register(authRoutes(deps), { prefix: '/auth' })
      await v1.register(monitorRoutes(deps), { prefix: '/monitors' })
      await v1.register(probeRoutes(deps), { prefix: '/probes' })
      await v1.register(incidentRoutes(deps), { prefix: '/incidents' })
      await v1.register(incidentGroupRoutes(deps), { prefix: '/incident-groups' })
      await v1.register(maintenanceRoutes(deps))
      await v1.register(groupRoutes(deps))
      await v1.register(alertingRoutes(deps))
      await v1.register(pushRoutes(deps))
      await v1.register(reportRoutes(deps))
      await v1.register(commandRoutes(deps))
      await v1.register(diagnosticsRoutes(deps))
      await v1.register(serverMonitorRoutes(deps))
      await v1.register(realtimeRoutes(deps))
      await v1.register(settingsRoutes(deps))
    },
    { prefix: '/api/v1' },
  )

  const webDist = deps.config.WEB_DIST_DIR ?? DEFAULT_WEB_DIST
  const hasWeb = existsSync(resolve(webDist, 'index.html'))
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false })
  app.setNotFoundHandler((req, reply) => {
    // The SPA owns every non-API GET path (client-side routing); the API answers coded 404s.
    if (hasWeb && req.method === 'GET' && !req.url.startsWith('/api')) return reply.sendFile('index.html')
    throw new AppError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)
  })
  return app
}
