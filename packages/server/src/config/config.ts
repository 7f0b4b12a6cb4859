import { z } from 'zod'

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')

/** Placeholder values that must never sign tokens in production. */
export const DEFAULT_SECRET_KEYS = new Set(['', 'CHANGE_ME_IN_PRODUCTION', 'changeme', 'secret'])

/**
 * The whole server configuration, parsed once from the environment at start. Names follow the
 * reference README where it has one. Nothing else in the server reads `process.env`.
 */
export const ConfigSchema = z.object({
  ENVIRONMENT: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  DATA_DIR: z.string().default('./data'),
  /** Empty = embedded SQLite at DATA_DIR/whatisup.db; `postgres://…` = PostgreSQL. */
  DATABASE_URL: z.string().default(''),
  /**
   * SQLite: `normal` (default) syncs the WAL to disk at each checkpoint, so a committed batch
   * survives a crash of the process but the last seconds may not survive a power loss or an OS
   * crash; `full` syncs at every commit (nothing acknowledged is lost even then; slower ingestion).
   */
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  SECRET_KEY: z.string().optional(),
  EMBEDDED_PROBE: bool.default(true),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  ACCESS_TOKEN_EXPIRE_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  REFRESH_TOKEN_EXPIRE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  PROBE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** A probe silent for this long is offline: it leaves every quorum and superadmins are told. */
  PROBE_OFFLINE_AFTER_SECONDS: z.coerce.number().int().min(5).max(86_400).default(120),
  WEB_DIST_DIR: z.string().optional(),
  ADMIN_EMAIL: z.string().email().default('admin@local'),
  /** Raw check results are kept this many days (rollups longer); 0 keeps them forever. */
  DATA_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  /** Rich result details (TLS, conditions, kind details) are kept at most this many days. */
  DETAIL_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  /** Storage budget (`500MB`, `10GB`, bytes); empty or 0 = no budget. Oldest raw data goes first. */
  MAX_DB_SIZE: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const bytes = parseByteSize(v)
      if (bytes === null) {
        ctx.addIssue({ code: 'custom', message: 'expected a size like 500MB, 10GB or a number of bytes' })
        return z.NEVER
      }
      return bytes
    }),
  /** When set, GET /metrics requires `Authorization: Bearer <token>` and adds per-monitor gauges. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * Outbound dead-man's switch: GET this URL every WATCHDOG_INTERVAL_SECONDS while WhatIsUp and its
   * probes are healthy. Set by the admin, so trusted (no SSRF filtering; internal URLs are fine).
   */
  WATCHDOG_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'expected an http:// or https:// URL')
      .optional(),
  ),
  WATCHDOG_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(60),
  /** Let every alert channel reach private and loopback addresses (tests; trusted networks). Metadata stays refused. */
  ALERTING_ALLOW_PRIVATE_TARGETS: bool.default(false),
  /**
   * Base URL of a Nominatim-compatible geocoder (`https://nominatim.openstreetmap.org`); empty hides
   * "Find coordinates" when registering a probe. Set by the admin, so trusted like WATCHDOG_URL (it
   * may be internal); only `<base>/search` is ever called, and redirects are not followed.
   */
  GEOCODER_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'expected an http:// or https:// URL')
      .refine((u) => !/^https?:\/\/[^/]*@/i.test(u), 'credentials in the URL are refused')
      .optional(),
  ),
  GEOCODER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Geocoder requests per minute for the whole instance (public Nominatim allows one a second). */
  GEOCODER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
})

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
}
for (const [u, f] of [
  ['kib', 2 ** 10],
  ['mib', 2 ** 20],
  ['gib', 2 ** 30],
  ['tib', 2 ** 40],
] as const)
  SIZE_UNITS[u] = f

/** `''`/`0` → 0 (no budget); `500MB` → 5e8; `1.5GiB` → 1610612736; garbage → null. */
export function parseByteSize(v: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v)
  if (v.trim() === '') return 0
  const factor = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined
  return m && factor !== undefined ? Math.round(Number(m[1]) * factor) : null
}

export type Config = Readonly<
  Omit<z.output<typeof ConfigSchema>, 'SECRET_KEY'> & {
    SECRET_KEY: string
    dialect: 'sqlite' | 'postgres'
  }
>

export class ConfigError extends Error {}

/**
 * Parses the environment. In production a missing or default SECRET_KEY refuses to start; in
 * embedded mode `resolveSecret` supplies one generated into the data dir.
 */
export function loadConfig(env: NodeJS.ProcessEnv, resolveSecret?: (dataDir: string) => string): Config {
  const parsed = ConfigSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  const c = parsed.data
  let secret = c.SECRET_KEY ?? ''
  if (DEFAULT_SECRET_KEYS.has(secret)) {
    if (c.ENVIRONMENT === 'production') {
      throw new ConfigError(
        'SECRET_KEY is missing or a default value; production refuses to start (openssl rand -hex 32)',
      )
    }
    if (!resolveSecret) throw new ConfigError('SECRET_KEY is required')
    secret = resolveSecret(c.DATA_DIR)
  }
  if (secret.length < 32) throw new ConfigError('SECRET_KEY must be at least 32 characters')
  let dialect: Config['dialect'] = 'sqlite'
  if (c.DATABASE_URL !== '') {
    if (!/^postgres(ql)?:\/\//.test(c.DATABASE_URL)) {
      throw new ConfigError('DATABASE_URL must be postgres://… (leave it empty for the embedded SQLite database)')
    }
    dialect = 'postgres'
  }
  return Object.freeze({ ...c, SECRET_KEY: secret, dialect })
}
