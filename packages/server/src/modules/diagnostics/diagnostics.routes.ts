import { DiagnosticsUploadResponseSchema, DiagnosticsUploadSchema, IncidentDiagnosticsSchema } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { requireProbe } from '../probes/index.js'
import { listDiagnostics, recordDiagnostics } from './diagnostics.service.js'
import { watchForDiagnostics } from './watch.js'

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const ProbeKeyHeader = z.object({ 'x-probe-api-key': z.string().max(200).optional() })

/**
 * Five collectors × (8 KiB raw + a payload) fit well below this; anything larger is not a
 * diagnostic upload.
 */
const UPLOAD_BODY_LIMIT = 256 * 1024

/**
 * Incident diagnostics, registered under `/api/v1`: the probes' upload and the incident's view.
 * The plugin also owns the subscriptions that request diagnostics when incidents open or grow.
 */
export function diagnosticsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const unwatch = watchForDiagnostics(deps)
    app.addHook('preClose', async () => unwatch())

    app.post(
      '/probes/diagnostics',
      {
        preValidation: requireProbe(deps),
        bodyLimit: UPLOAD_BODY_LIMIT,
        schema: {
          tags: ['probes'],
          summary: 'Upload the diagnostics of one request; request_id makes retries idempotent (X-Probe-Api-Key)',
          headers: ProbeKeyHeader,
          body: DiagnosticsUploadSchema,
          response: { 200: DiagnosticsUploadResponseSchema },
        },
      },
      async (req) => recordDiagnostics(deps, req.probe, req.body),
    )

    app.get(
      '/incidents/:id/diagnostics',
      {
        preValidation: requireUser(deps),
        schema: {
          tags: ['incidents'],
          summary: 'Diagnostics the affected probes captured when the incident opened, per probe',
          params: IdParams,
          response: { 200: IncidentDiagnosticsSchema },
        },
      },
      async (req) => listDiagnostics(deps, req.ctx, req.params.id),
    )
  }
}
