import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { geocode } from './geocode.service.js'
import { GeocodeQuery, GeocodeResult, InstanceSettingsOut, InstanceSettingsPatch } from './settings.schemas.js'
import { getInstanceSettings, updateInstanceSettings } from './settings.service.js'

/** Instance settings and geocoding, registered under `/api/v1`. Superadmin only (policy decides). */
export function settingsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const user = { preValidation: requireUser(deps) }
    app.get(
      '/settings/instance',
      {
        ...user,
        schema: {
          tags: ['settings'],
          summary: 'Instance-wide settings: map tiles, whether geocoding is configured (superadmin)',
          response: { 200: InstanceSettingsOut },
        },
      },
      async (req) => getInstanceSettings(deps, req.ctx),
    )
    app.patch(
      '/settings/instance',
      {
        ...user,
        schema: {
          tags: ['settings'],
          summary: 'Change instance settings (superadmin); an empty map_tile_url shows probes as a list',
          body: InstanceSettingsPatch,
          response: { 200: InstanceSettingsOut },
        },
      },
      async (req) => updateInstanceSettings(deps, req.ctx, req.body),
    )
    app.get(
      '/geocode',
      {
        ...user,
        schema: {
          tags: ['probes'],
          summary: 'Places matching q, from the GEOCODER_URL geocoder (superadmin, rate-limited)',
          querystring: GeocodeQuery,
          response: { 200: z.array(GeocodeResult) },
        },
      },
      async (req) => geocode(deps, req.ctx, req.query.q),
    )
  }
}
