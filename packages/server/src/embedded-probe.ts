import { join } from 'node:path'
import { loadProbeConfig, type ProbeAgent, startAgent } from '@whatisup/probe'
import type { Deps } from './core/deps.js'
import { ensureEmbeddedProbe } from './modules/probes/index.js'

const PROBE_LOG_LEVEL = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
  silent: 'silent',
} as const

/**
 * The built-in "local" probe: the same agent code as a remote probe, talking HTTP to this server
 * over loopback. It is an internal probe, so it may check LAN and loopback targets.
 */
export async function startEmbeddedProbe(deps: Deps, baseUrl: string): Promise<ProbeAgent> {
  const { apiKey } = await ensureEmbeddedProbe(deps)
  const config = loadProbeConfig({
    CENTRAL_API_URL: baseUrl,
    PROBE_API_KEY: apiKey,
    PROBE_DATA_DIR: join(deps.config.DATA_DIR, 'probe'),
    HEARTBEAT_INTERVAL: String(deps.config.PROBE_HEARTBEAT_SECONDS),
    LOG_LEVEL: PROBE_LOG_LEVEL[deps.config.LOG_LEVEL],
  })
  return startAgent({ config, networkPolicy: { allowPrivate: true } })
}
