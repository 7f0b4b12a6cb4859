import { ProbeCommandsQuerySchema, ProbeCommandsResponseSchema, TriggerCheckResponseSchema } from '@whatisup/shared'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { closeCommandHub } from './command-hub.js'
import { triggerCheck, waitForCommands, watchForProbeCommands } from './commands.service.js'
import { requireProbe } from './probe-auth.js'

const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
const ProbeKeyHeader = z.object({ 'x-probe-api-key': z.string().max(200).optional() })

/**
 * The push channel to probes, registered under `/api/v1`: the probes' long-poll and the user's
 * "check now". Kept apart from the monitors module so it only talks to it through storage and
 * domain events.
 */
export function commandRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const unwatch = watchForProbeCommands(deps)
    // Before the server stops accepting: answer the waiting polls so close() does not wait 25 s.
    app.addHook('preClose', async () => {
      unwatch()
      closeCommandHub(deps)
    })

    app.get(
      '/probes/commands',
      {
        preValidation: requireProbe(deps),
        schema: {
          tags: ['probes'],
          summary: 'Long-poll: pending commands at once, or the first within `wait` seconds (X-Probe-Api-Key)',
          headers: ProbeKeyHeader,
          querystring: ProbeCommandsQuerySchema,
          response: { 200: ProbeCommandsResponseSchema },
        },
      },
      async (req, reply) => {
        const gone = new AbortController()
        // The probe hung up (or the answer went out): stop holding a waiter for it.
        reply.raw.once('close', () => gone.abort())
        return { commands: await waitForCommands(deps, req.probe, req.query.wait, gone.signal) }
      },
    )

    app.post(
      '/monitors/:id/trigger-check',
      {
        preValidation: requireUser(deps),
        schema: {
          tags: ['monitors'],
          summary: 'Check now: the probes running this monitor check it within about a second',
          params: IdParams,
          response: { 202: TriggerCheckResponseSchema },
        },
      },
      async (req, reply) => reply.code(202).send(await triggerCheck(deps, req.ctx, req.params.id)),
    )
  }
}
