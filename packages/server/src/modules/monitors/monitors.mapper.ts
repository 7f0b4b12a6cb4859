import { iso, type Monitor, type MonitorConfig, type MonitorStatus } from '@whatisup/shared'
import type { MonitorRow, MonitorWithState } from '../../storage/repositories/index.js'

/** Kind-specific settings live in the JSON `config` column so new kinds need no schema change. */
type StoredConfig = Pick<
  MonitorConfig,
  'method' | 'custom_headers' | 'body' | 'expected_status_codes' | 'follow_redirects' | 'max_redirects'
>

export function toRowFields(c: MonitorConfig) {
  const stored: StoredConfig = {
    method: c.method,
    custom_headers: c.custom_headers,
    body: c.body,
    expected_status_codes: c.expected_status_codes,
    follow_redirects: c.follow_redirects,
    max_redirects: c.max_redirects,
  }
  return {
    name: c.name,
    check_type: c.check_type,
    enabled: c.enabled ? 1 : 0,
    interval_seconds: c.interval_seconds,
    timeout_seconds: c.timeout_seconds,
    network_scope: c.network_scope,
    url: c.url,
    config: JSON.stringify(stored),
  }
}

export function toConfig(row: MonitorRow): MonitorConfig {
  const stored = JSON.parse(row.config) as StoredConfig
  return {
    name: row.name,
    check_type: row.check_type as MonitorConfig['check_type'],
    enabled: row.enabled === 1,
    interval_seconds: row.interval_seconds,
    timeout_seconds: row.timeout_seconds,
    network_scope: row.network_scope as MonitorConfig['network_scope'],
    url: row.url,
    ...stored,
  }
}

export function toMonitorOut(row: MonitorWithState): Monitor {
  const status: MonitorStatus = row.enabled !== 1 ? 'paused' : ((row.status as MonitorStatus | null) ?? 'unknown')
  return {
    id: row.id,
    ...toConfig(row),
    owner_id: row.owner_id,
    team_id: row.team_id,
    status,
    status_since: iso(row.status_since),
    last_checked_at: iso(row.last_checked_at),
    last_response_time_ms: row.last_latency_ms,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
}
