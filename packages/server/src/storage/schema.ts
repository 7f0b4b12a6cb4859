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
    /** monitor_groups.id (migration 0050); null when ungrouped. */
    group_id: string | null
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
  // ── Time series (docs/adr/0007-time-series-storage.md) ─────────────────────────────────────
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
  /** Past days packed per series (PostgreSQL compaction): `at` = the UTC day's start. */
  ts_results_packed: { at: number; skey: number; n: number; data: Uint8Array }
  /** Rich details (failure, conditions, TLS, kind details) only when they carry information. */
  ts_result_details: { skey: number; at: number; detail: string }
  ts_rollup_1m: RollupTable
  ts_rollup_1h: RollupTable
  ts_rollup_1d: RollupTable
  /** Consensus minute state per monitor × network type (best rank seen | maintenance bit). */
  ts_consensus_1m: { mkey: number; net: number; bucket: number; state: number }
  ts_consensus_1h: ConsensusTable
  ts_consensus_1d: ConsensusTable
  /** Week and 4-week tiers, built from day rows after a period closes (timeseries/coarse.ts). */
  ts_rollup_1w: RollupTable
  ts_rollup_4w: RollupTable
  ts_consensus_1w: ConsensusTable
  ts_consensus_4w: ConsensusTable
  /** Per monitor and closed day (bucket minute): its hourly chart points (timeseries/chart-hours.ts). */
  ts_chart_1h: { mkey: number; bucket: number; data: Uint8Array }
  /** Per built tier (`chart_1h`, `1w`, `4w`): bucket minute up to which periods are claimed / built (exclusive ends). */
  ts_coarse_state: { tier: string; claimed_through: number; built_through: number }
  /** Coarse periods written to after their build: reads skip them until they are rebuilt. */
  ts_coarse_dirty: { tier: string; bucket: number; gen: number }
  /** SQLite: stored batches waiting to be folded into the rollups (repositories/fold-queue.ts). */
  ts_fold_queue: { id: Generated<number>; net: number; queued_at: number; n: number; points: Uint8Array }
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
    /** 'dependency' (a shared upstream), 'monitor_group' (half a monitor group down), 'probes' (same failing probes); 'burst' in rows from before. */
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
    /** The window covers this group's members at evaluation time (migration 0050). */
    group_id: string | null
    /** JSON array of tag labels: covers the owner's monitors carrying all of them (migration 0080). */
    tags: string | null
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
    /** JSON array of tag labels: covers the owner's monitors carrying all of them (migration 0080). */
    tags: string | null
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
  // ── Incident diagnostics (migration 0060) ─────────────────────────────────────────────────
  diagnostic_requests: {
    id: string
    incident_id: string
    probe_id: string
    monitor_id: string
    /** JSON DiagnosticTarget. */
    target: string
    /** JSON array of DiagnosticKind. */
    kinds: string
    state: string
    requested_at: number
    sent_at: number | null
    expires_at: number
    completed_at: number | null
  }
  diagnostic_results: {
    request_id: string
    kind: string
    payload: string | null
    raw: string | null
    error: string | null
    duration_ms: number
    collected_at: number
  }
  // ── Alerting (migration 0030) ──────────────────────────────────────────────────────────────
  alert_channels: {
    id: string
    owner_id: string
    team_id: string | null
    name: string
    kind: string
    /** JSON of the kind's config; secret fields hold core/crypto tokens. */
    config: string
    /** 'en' | 'fr'; null = the owner's language. */
    locale: string | null
    /** Per-channel body template (`{{var}}` placeholders), or null for the default rendering. */
    template: string | null
    allow_private: number
    enabled: number
    created_at: number
    updated_at: number
  }
  alert_rules: {
    id: string
    owner_id: string
    team_id: string | null
    name: string
    condition: string
    /** 'monitor' | 'group' | 'tag' | 'all' (all of the owner's monitors) | 'probes'. */
    target_kind: string
    monitor_id: string | null
    /** JSON array of tag labels: the rule watches the owner's monitors carrying all of them. */
    tag_selector: string | null
    enabled: number
    /** JSON RuleParams (thresholds, durations, schedule, storm, digest). */
    params: string
    created_at: number
    updated_at: number
    /** The watched group (target_kind 'group'; migration 0050). */
    group_id: string | null
  }
  alert_rule_channels: { rule_id: string; channel_id: string }
  alert_templates: {
    id: string
    owner_id: string
    name: string
    description: string | null
    check_type: string
    rows: string
    created_at: number
    updated_at: number
  }
  /** The decision state of one rule (open episodes, storm counter, pending digest) and its next wake-up. */
  alert_rule_state: { rule_id: string; state: string; wake_at: number | null; updated_at: number }
  /** Per monitor: the last result folded per probe, so sampled conditions see each result once. */
  alert_cursors: { monitor_id: string; state: string; updated_at: number }
  /** Signals not stored elsewhere that the impact preview replays (flapping started/stopped). */
  alert_signals: { id: Generated<number>; monitor_id: string | null; kind: string; at: number; data: string | null }
  /** Outbox and notification log: one row per (subject, rule, channel, event, sequence). */
  alert_deliveries: {
    id: string
    idempotency_key: string
    owner_id: string
    rule_id: string | null
    channel_id: string | null
    incident_id: string | null
    monitor_id: string | null
    subject: string
    condition: string
    event: string
    /** 'send' | 'skip'. */
    decision: string
    reason: string | null
    /** 'pending' | 'sending' | 'sent' | 'failed' | 'skipped'. */
    status: string
    /** The message model (JSON) for sends. */
    payload: string | null
    attempts: number
    next_attempt_at: number | null
    lease_until: number | null
    claim: string | null
    last_error: string | null
    response: string | null
    created_at: number
    sent_at: number | null
    updated_at: number
  }
  // ── Server-side monitors (migration 0040) ──────────────────────────────────────────────────
  heartbeat_monitors: {
    monitor_id: string
    slug: string
    /** 'new' (waiting for the first ping) | 'up' | 'down'. */
    state: string
    cause: string | null
    /** The schedule counts from here (latest success/failure ping, or a maintenance window's end). */
    anchor_at: number | null
    last_ping_at: number | null
    /** Next deadline to evaluate; null when there is nothing to wait for. */
    due_at: number | null
    created_at: number
  }
  heartbeat_pings: {
    id: Generated<number>
    monitor_id: string
    at: number
    kind: string
    exit_status: number | null
    rid: string | null
    method: string
    user_agent: string | null
    source_ip: string | null
    body: string | null
    body_size: number
    body_truncated: number
    duration_ms: number | null
  }
  heartbeat_runs: {
    id: string
    monitor_id: string
    rid: string | null
    started_at: number
    deadline_at: number
    finished_at: number | null
    duration_ms: number | null
    outcome: string
    late: number
  }
  composite_members: {
    composite_id: string
    member_id: string
    weight: number
    role: string | null
    created_at: number
    /** 'monitor' | 'group' (migration 0050): a group stands for its monitors at evaluation time. */
    member_type: string
  }
  // ── Groups and tags (migration 0050) ───────────────────────────────────────────────────────
  monitor_groups: {
    id: string
    owner_id: string
    team_id: string | null
    name: string
    /** lower(name), unique per owner. */
    name_key: string
    description: string | null
    created_at: number
    updated_at: number
  }
  tags: {
    id: string
    owner_id: string
    key: string
    /** '' for a bare key. */
    value: string
    color: string | null
    created_at: number
  }
  monitor_tags: { monitor_id: string; tag_id: string }
  manual_states: {
    id: string
    monitor_id: string
    status: string
    note: string
    author_id: string | null
    author_name: string
    at: number
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
