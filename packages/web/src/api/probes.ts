import type { ProbeDto } from '@whatisup/shared'
import { api } from './index'

export const listProbes = () => api.get<ProbeDto[]>('/probes')

export interface ProbeRegistration {
  name: string
  location_name?: string
  network_type?: 'internal' | 'external'
}
export const registerProbe = (input: ProbeRegistration) =>
  api.post<ProbeDto & { api_key: string }>('/probes/register', input)

/** The one command that starts a probe against this server. */
export const probeCommand = (origin: string, key: string) =>
  `CENTRAL_API_URL=${origin} PROBE_API_KEY=${key} npx whatisup-probe`
