import type { Generated } from 'kysely'

/**
 * Table shapes shared by both dialects. Portable choices: times are epoch-ms integers,
 * booleans are 0/1 integers, structured values are JSON text. See docs/adr/0002-storage.md.
 */
export interface DB {
  settings: { key: string; value: string }
  users: {
    id: string
    email: string
    username: string
    full_name: string | null
    password_hash: string | null
    is_superadmin: number
    is_active: number
    can_create_monitors: number
    timezone: string | null
    language: string | null
    created_at: number
    updated_at: number
  }
  refresh_tokens: {
    id: string
    family_id: string
    user_id: string
    token_hash: string
    expires_at: number
    created_at: number
    rotated_at: number | null
    revoked_at: number | null
  }
  teams: { id: string; name: string; slug: string; created_at: number }
  team_memberships: { team_id: string; user_id: string; role: string }
  monitors: {
    id: string
    owner_id: string
    team_id: string | null
    name: string
    check_type: string
    enabled: number
    interval_seconds: number
    timeout_seconds: number
    network_scope: string
    url: string
    /** Kind-specific settings (method, headers, expected codes…) as JSON. */
    config: string
    created_at: number
    updated_at: number
  }
  monitor_state: {
    monitor_id: string
    status: string
    status_since: number | null
    last_checked_at: number | null
    last_latency_ms: number | null
  }
  monitor_probe_state: {
    monitor_id: string
    probe_id: string
    status: string
    checked_at: number
    /** When this probe's current status began (first failure of a failing streak). */
    since: number
    consecutive_failures: number
    consecutive_successes: number
  }
  probes: {
    id: string
    name: string
    location_name: string
    latitude: number | null
    longitude: number | null
    network_type: string
    key_hash: string
    key_prefix: string
    is_active: number
    is_embedded: number
    last_seen_at: number | null
    health: string | null
    created_at: number
    updated_at: number
  }
  probe_batches: { probe_id: string; batch_id: string; received_at: number }
  check_results: {
    id: Generated<number>
    monitor_id: string
    probe_id: string
    checked_at: number
    /** 0 up, 1 degraded, 2 down. */
    status: number
    latency_ms: number
    http_status: number | null
    /** JSON: timings, failure, tls, remote_address, final_url, redirect_count. */
    detail: string | null
  }
  incidents: {
    id: string
    monitor_id: string
    cause: string | null
    first_failure_at: number
    started_at: number
    resolved_at: number | null
    affected_probe_ids: string
  }
}
