import { iso, KINDS, MEMBERSHIP_KEYS, type Monitor, type MonitorConfig, type MonitorStatus } from '@whatisup/shared'
import type { MonitorRow, MonitorWithState } from '../../storage/repositories/index.js'
import { maskSecrets, revealSecrets } from './monitors.secrets.js'

/** Columns hold what queries filter on; the kind's settings and conditions live in JSON `config`. */
const COLUMN_KEYS = new Set(['name', 'check_type', 'enabled', 'interval_seconds', 'timeout_seconds', 'network_scope'])
/** Group and tags are stored apart (monitors.group_id, monitor_tags), never in `config`. */
const APART_KEYS = new Set<string>(MEMBERSHIP_KEYS)

/** Row fields of a config whose secrets are already sealed (see `sealSecrets`). */
export function toRowFields(c: MonitorConfig) {
  const stored: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(c)) if (!COLUMN_KEYS.has(k) && !APART_KEYS.has(k)) stored[k] = v
  return {
    name: c.name,
    check_type: c.check_type,
    enabled: c.enabled ? 1 : 0,
    interval_seconds: c.interval_seconds,
    timeout_seconds: c.timeout_seconds,
    network_scope: c.network_scope,
    url: KINDS[c.check_type].target(c as unknown as Record<string, unknown>),
    config: JSON.stringify(stored),
  }
}

/** The stored config as is: secrets are encryption tokens. Only for this module's PATCH merge. */
export function storedConfig(row: MonitorRow): Record<string, unknown> {
  return {
    ...(JSON.parse(row.config) as object),
    name: row.name,
    check_type: row.check_type,
    enabled: row.enabled === 1,
    interval_seconds: row.interval_seconds,
    timeout_seconds: row.timeout_seconds,
    network_scope: row.network_scope,
  }
}

/**
 * A monitor's config. Secrets are masked as "" unless `reveal` is set: only the probe assignment
 * asks for plaintext, which throws `SecretDecryptError` if a stored secret does not authenticate.
 *
 * @example
 * toConfig(row)                    // { check_type: 'postgres', password: '', … }
 * toConfig(row, { reveal: true })  // { check_type: 'postgres', password: 'hunter2', … }
 */
export function toConfig(row: MonitorRow, opts: { reveal?: boolean } = {}): MonitorConfig {
  const stored = storedConfig(row)
  return (opts.reveal ? revealSecrets(stored, row.id) : maskSecrets(stored)) as MonitorConfig
}

/** The API form of a monitor; `tags` are its labels, sorted (read for a whole page at once). */
export function toMonitorOut(row: MonitorWithState, tags: string[] = []): Monitor {
  const status: MonitorStatus = row.enabled !== 1 ? 'paused' : ((row.status as MonitorStatus | null) ?? 'unknown')
  return {
    id: row.id,
    ...toConfig(row),
    target: row.url,
    owner_id: row.owner_id,
    team_id: row.team_id,
    status,
    status_since: iso(row.status_since),
    last_checked_at: iso(row.last_checked_at),
    last_response_time_ms: row.last_latency_ms,
    group_id: row.group_id,
    tags,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
}
