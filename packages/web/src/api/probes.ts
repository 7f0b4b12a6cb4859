import type { ProbeDto } from '@whatisup/shared'
import { api } from './index'

export const listProbes = () => api.get<ProbeDto[]>('/probes')

export interface ProbeRegistration {
  name: string
  location_name: string
  latitude: number | null
  longitude: number | null
  network_type: 'internal' | 'external'
}
/** Registers a probe (superadmin); the answer carries the API key, shown this once. */
export const registerProbe = (input: ProbeRegistration) =>
  api.post<ProbeDto & { api_key: string }>('/probes/register', input)

/**
 * The commands that start the agent for a freshly registered probe: with npx, or from a checkout
 * of the repository (the launcher runs the TypeScript sources through tsx).
 *
 * @example agentCommands('https://up.example.com', 'wiu_abc').npx
 * // 'CENTRAL_API_URL=https://up.example.com PROBE_API_KEY=wiu_abc npx whatisup-probe'
 */
export function agentCommands(origin: string, key: string): { npx: string; checkout: string } {
  const env = `CENTRAL_API_URL=${origin} PROBE_API_KEY=${key}`
  return { npx: `${env} npx whatisup-probe`, checkout: `${env} node packages/probe/bin/whatisup-probe.js` }
}
