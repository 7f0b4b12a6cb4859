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
    flapping: number
    scope: string | null
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
    /** The view after hysteresis (what this probe says); `since` is when it began. */
    counted: string
    failing_since: number | null
    /** JSON array of counted-change times inside the flap window. */
    changes: string
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
    region: string | null
    asn: number | null
    suspect_since: number | null
    offline_since: number | null
  }
  probe_batches: { probe_id: string; batch_id: string; received_at: number }
  // ── Time series (docs/adr/0003-time-series-storage.md) ─────────────────────────────────────
  /** Small integer key per monitor, so the big tables never repeat a 36-character UUID. */
  ts_monitors: { mkey: Generated<number>; monitor_id: string }
  /** One series per monitor × probe × network type (the type a probe had when it reported). */
  ts_series: { skey: Generated<number>; mkey: number; probe_id: string; net: number; created_at: number }
  /** Raw results, compact; PostgreSQL partitions them by day on `at`. */
  ts_results: {
    skey: number
    /** checked_at, epoch ms. */
    at: number
    /** status | maintenance << 2 | http_status << 3 (storage/timeseries/codec.ts). */
    code: number
    /** Latency in tenths of ms. */
    lat: number
    /** Packed timing phases, or null. */
    tm: Uint8Array | null
  }
  /** Rich details (failure, conditions, TLS, kind details) only when they carry information. */
  ts_result_details: { skey: number; at: number; detail: string }
  ts_rollup_1m: RollupTable
  ts_rollup_1h: RollupTable
  ts_rollup_1d: RollupTable
  /** Consensus minute state per monitor × network type (best rank seen | maintenance bit). */
  ts_consensus_1m: { mkey: number; net: number; bucket: number; state: number }
  ts_consensus_1h: ConsensusTable
  ts_consensus_1d: ConsensusTable
  slo_targets: { monitor_id: string; target: number; window_days: number; created_at: number; updated_at: number }
  annotations: {
    id: string
    monitor_id: string
    content: string
    annotated_at: number
    created_by: string | null
    created_at: number
  }
  metric_series: {
    id: Generated<number>
    monitor_id: string
    name: string
    unit: string | null
    created_at: number
    last_value: number | null
    last_at: number | null
  }
  metric_points: { metric: number; at: number; value: number }
  metric_rollup_1h: MetricRollupTable
  metric_rollup_1d: MetricRollupTable
  incidents: {
    id: string
    monitor_id: string
    cause: string | null
    first_failure_at: number
    started_at: number
    resolved_at: number | null
    affected_probe_ids: string
    scope: string
    /** Why it exists without paging: 'maintenance' | 'dependency' | null. */
    suppressed: string | null
    /** When it paged (null: not yet, e.g. still suppressed). */
    paged_at: number | null
    acked_at: number | null
    acked_by: string | null
    snooze_until: number | null
    postmortem: string | null
    updated_at: number | null
    group_id: string | null
  }
  incident_groups: {
    id: string
    owner_id: string
    leader_incident_id: string
    /** 'dependency' (a shared upstream), 'probes' (same failing probes), 'burst' (many at once). */
    reason: string
    opened_at: number
    resolved_at: number | null
  }
  maintenance_windows: {
    id: string
    owner_id: string
    team_id: string | null
    name: string
    description: string | null
    monitor_id: string | null
    /** JSON MaintenanceSchedule. */
    schedule: string
    created_at: number
    updated_at: number
  }
  alert_silences: {
    id: string
    owner_id: string
    team_id: string | null
    name: string
    reason: string | null
    monitor_id: string | null
    starts_at: number
    ends_at: number
    created_at: number
  }
  monitor_dependencies: { parent_id: string; child_id: string; created_at: number }
  incident_updates: {
    id: string
    incident_id: string
    status: string
    message: string
    is_public: number
    created_by: string | null
    created_at: number
  }
  incident_events: {
    id: Generated<number>
    incident_id: string
    at: number
    kind: string
    data: string | null
  }
}

/** Per series × bucket (minutes since the epoch, aligned to the tier). Latency in tenths of ms. */
export interface RollupTable {
  skey: number
  bucket: number
  n: number
  up: number
  degraded: number
  down: number
  maint: number
  lat_sum: number
  lat_min: number | null
  lat_max: number | null
  /** Σ latency² in ms². */
  lat_sq: number
  ph_n: number
  ph_dns: number
  ph_connect: number
  ph_tls: number
  ph_ttfb: number
  ph_transfer: number
  /** storage/timeseries/histogram.ts encoding. */
  hist: Uint8Array
}

/** Minutes per category for one monitor × network type × bucket. */
export interface ConsensusTable {
  mkey: number
  net: number
  bucket: number
  up: number
  degraded: number
  down: number
  maint: number
}

export interface MetricRollupTable {
  metric: number
  bucket: number
  n: number
  sum: number
  min: number
  max: number
}
