import { z } from 'zod'
import { LOG_LEVELS, type LogLevel } from './log.js'
import { parseAllowNetworks } from './net/allow-networks.js'

/** Empty variables (`FOO=` in a compose file) mean "unset", not zero or "". */
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).max(max).default(fallback))

const EnvSchema = z.object({
  CENTRAL_API_URL: z.preprocess(
    unsetIfEmpty,
    z.url({
      protocol: /^https?$/,
      error: (issue) => (issue.input === undefined ? 'is required' : 'expected an http(s):// URL'),
    }),
  ),
  PROBE_API_KEY: z.preprocess(
    unsetIfEmpty,
    z.string({ error: 'is required' }).startsWith('wiu_', { error: 'must start with "wiu_"' }),
  ),
  PROBE_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().default('./probe-data')),
  MAX_CONCURRENT_CHECKS: int(1, 100_000, 200),
  MAX_CONCURRENT_SCENARIOS: int(1, 1000, 2),
  HEARTBEAT_INTERVAL: int(1, 3600, 30),
  RESULT_FLUSH_MS: int(10, 60_000, 1000),
  BUFFER_MAX_MB: z.preprocess(unsetIfEmpty, z.coerce.number().min(0.01).max(1_000_000).default(100)),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? unsetIfEmpty(v.toLowerCase()) : v),
    z.enum(LOG_LEVELS).default('info'),
  ),
  PROBE_ALLOW_NETWORKS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .default('')
      .transform((text, ctx) => {
        try {
          return parseAllowNetworks(text)
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) })
          return z.NEVER
        }
      }),
  ),
})

export interface ProbeConfig {
  readonly centralApiUrl: string
  readonly probeApiKey: string
  readonly dataDir: string
  readonly maxConcurrentChecks: number
  /** Bound of the `browser` lane (scenarios), inside the global limit. */
  readonly maxConcurrentScenarios: number
  readonly heartbeatIntervalMs: number
  readonly resultFlushMs: number
  readonly bufferMaxBytes: number
  readonly logLevel: LogLevel
  /** CIDRs an external probe may reach although private (`PROBE_ALLOW_NETWORKS`); empty = none. */
  readonly allowNetworks: readonly string[]
}

/**
 * Parses the probe's environment once, at start. Throws one error listing every bad variable, and
 * never echoes the API key.
 *
 * @example
 * loadProbeConfig({ CENTRAL_API_URL: 'https://up.example.com', PROBE_API_KEY: 'wiu_…' }).maxConcurrentChecks === 200
 */
export function loadProbeConfig(env: Record<string, string | undefined>): ProbeConfig {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`invalid probe configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return Object.freeze({
    centralApiUrl: e.CENTRAL_API_URL,
    probeApiKey: e.PROBE_API_KEY,
    dataDir: e.PROBE_DATA_DIR,
    maxConcurrentChecks: e.MAX_CONCURRENT_CHECKS,
    maxConcurrentScenarios: e.MAX_CONCURRENT_SCENARIOS,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL * 1000,
    resultFlushMs: e.RESULT_FLUSH_MS,
    bufferMaxBytes: Math.floor(e.BUFFER_MAX_MB * 1024 * 1024),
    logLevel: e.LOG_LEVEL,
    allowNetworks: Object.freeze(e.PROBE_ALLOW_NETWORKS),
  })
}
