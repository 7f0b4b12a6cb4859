import type { FastifyRequest } from 'fastify'
import type { Deps } from '../../core/deps.js'
import type { ProbeRow } from '../../storage/repositories/index.js'
import { authenticateProbe } from './probes.service.js'

declare module 'fastify' {
  interface FastifyRequest {
    probe: ProbeRow
  }
}

/**
 * preValidation for probe routes (`X-Probe-Api-Key`). It runs before body validation, so a wrong
 * key is a 401 whatever the body holds.
 */
export function requireProbe(deps: Deps) {
  return async (req: FastifyRequest): Promise<void> => {
    const key = req.headers['x-probe-api-key']
    req.probe = await authenticateProbe(deps, Array.isArray(key) ? key[0] : key)
  }
}
