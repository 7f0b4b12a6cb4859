import { createHash, randomBytes } from 'node:crypto'
import {
  type HeartbeatRequest,
  type HeartbeatResponse,
  iso,
  type NetworkType,
  PROBE_KINDS,
  PROBE_PROTOCOL_VERSION,
  type ProbeDto,
  type ProbeMonitorConfig,
} from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { MonitorRow, ProbeRow } from '../../storage/repositories/index.js'
import { toConfig } from '../monitors/index.js'
import { authorize } from '../policy/policy.js'
import { commandHub } from './command-hub.js'

const KEY_PREFIX = 'wiu_'

/** Probe keys carry 256 random bits, so a fast SHA-256 (not a password hash) is the right index. */
export const hashProbeKey = (key: string) => createHash('sha256').update(key).digest('hex')

function newProbeKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`
}

export function toProbeOut(p: ProbeRow): ProbeDto {
  return {
    id: p.id,
    name: p.name,
    location_name: p.location_name,
    latitude: p.latitude,
    longitude: p.longitude,
    network_type: p.network_type as NetworkType,
    is_active: p.is_active === 1,
    is_embedded: p.is_embedded === 1,
    last_seen_at: iso(p.last_seen_at),
    created_at: iso(p.created_at),
  }
}

export interface RegisterProbeInput {
  name: string
  location_name: string
  latitude: number | null
  longitude: number | null
  network_type: NetworkType
}

/** Registers a probe. The raw key is returned once and never stored. */
export async function registerProbe(
  deps: Deps,
  ctx: RequestContext,
  input: RegisterProbeInput,
): Promise<ProbeDto & { api_key: string }> {
  authorize(ctx, 'probe:register')
  if (await deps.repos.probes.findByName(input.name))
    throw new AppError('CONFLICT', `a probe named "${input.name}" already exists`)
  return insertProbe(deps, input, false)
}

async function insertProbe(
  deps: Deps,
  input: RegisterProbeInput,
  embedded: boolean,
): Promise<ProbeDto & { api_key: string }> {
  const now = deps.clock.now()
  const key = newProbeKey()
  const row: ProbeRow = {
    id: newId(now),
    ...input,
    key_hash: hashProbeKey(key),
    key_prefix: key.slice(0, 10),
    is_active: 1,
    is_embedded: embedded ? 1 : 0,
    last_seen_at: null,
    health: null,
    created_at: now,
    updated_at: now,
    region: null,
    asn: null,
    suspect_since: null,
    offline_since: null,
  }
  await deps.repos.probes.insert(row)
  return { ...toProbeOut(row), api_key: key }
}

/**
 * The server's own probe: created on first start, and given a fresh key on every start (the key
 * lives only in this process's memory, so nothing to leak from disk).
 */
export async function ensureEmbeddedProbe(deps: Deps): Promise<{ probeId: string; apiKey: string }> {
  const existing = (await deps.repos.probes.list()).find((p) => p.is_embedded === 1)
  if (!existing) {
    const p = await insertProbe(
      deps,
      { name: 'local', location_name: 'Embedded', latitude: null, longitude: null, network_type: 'internal' },
      true,
    )
    return { probeId: p.id, apiKey: p.api_key }
  }
  const key = newProbeKey()
  await deps.repos.probes.update(existing.id, {
    key_hash: hashProbeKey(key),
    key_prefix: key.slice(0, 10),
    updated_at: deps.clock.now(),
  })
  return { probeId: existing.id, apiKey: key }
}

async function loadProbe(deps: Deps, id: string): Promise<ProbeRow> {
  const p = await deps.repos.probes.findById(id)
  if (!p) throw new AppError('NOT_FOUND', 'probe not found')
  return p
}

export async function getProbe(deps: Deps, ctx: RequestContext, id: string): Promise<ProbeDto> {
  authorize(ctx, 'probe:read')
  return toProbeOut(await loadProbe(deps, id))
}

export async function updateProbe(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  patch: { [K in keyof RegisterProbeInput]?: RegisterProbeInput[K] | undefined } & { is_active?: boolean | undefined },
): Promise<ProbeDto> {
  authorize(ctx, 'probe:manage')
  const probe = await loadProbe(deps, id)
  if (patch.name !== undefined && patch.name !== probe.name && (await deps.repos.probes.findByName(patch.name))) {
    throw new AppError('CONFLICT', `a probe named "${patch.name}" already exists`)
  }
  const { is_active, ...rest } = patch
  const set: Partial<ProbeRow> = { updated_at: deps.clock.now() }
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (set as Record<string, unknown>)[k] = v
  if (is_active !== undefined) set.is_active = is_active ? 1 : 0
  await deps.repos.probes.update(id, set)
  // A new network type is a new assignment: the probe re-pulls it now, not at its next heartbeat.
  if (set.network_type !== undefined && set.network_type !== probe.network_type) {
    commandHub(deps).push(id, { type: 'config_changed' })
  }
  return toProbeOut(await loadProbe(deps, id))
}

/** Issues a new key; the old one stops working immediately. */
export async function rotateProbeKey(
  deps: Deps,
  ctx: RequestContext,
  id: string,
): Promise<ProbeDto & { api_key: string }> {
  authorize(ctx, 'probe:manage')
  await loadProbe(deps, id)
  const key = newProbeKey()
  await deps.repos.probes.update(id, {
    key_hash: hashProbeKey(key),
    key_prefix: key.slice(0, 10),
    updated_at: deps.clock.now(),
  })
  return { ...toProbeOut(await loadProbe(deps, id)), api_key: key }
}

export async function deleteProbe(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, 'probe:manage')
  const probe = await loadProbe(deps, id)
  if (probe.is_embedded === 1)
    throw new AppError('CONFLICT', 'the embedded probe cannot be deleted; set EMBEDDED_PROBE=false instead')
  await deps.repos.probes.delete(id)
}

export async function listProbes(deps: Deps, ctx: RequestContext): Promise<ProbeDto[]> {
  authorize(ctx, 'probe:read')
  return (await deps.repos.probes.list()).map(toProbeOut)
}

export async function authenticateProbe(deps: Deps, key: string | undefined): Promise<ProbeRow> {
  if (!key) throw new AppError('PROBE_KEY_INVALID', 'missing X-Probe-Api-Key header')
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) throw new AppError('PROBE_KEY_INVALID', 'malformed probe key')
  const probe = await deps.repos.probes.findByKeyHash(hashProbeKey(key))
  if (probe?.is_active !== 1) throw new AppError('PROBE_KEY_INVALID', 'unknown or revoked probe key')
  return probe
}

export function toProbeMonitorConfig(m: MonitorRow): ProbeMonitorConfig {
  const { name: _n, enabled: _e, network_scope: _s, ...rest } = toConfig(m, { reveal: true })
  return { id: m.id, ...rest }
}

/** A probe may run (and report) a monitor when the monitor's scope admits the probe's network. */
export function isAssigned(probe: ProbeRow, m: Pick<MonitorRow, 'network_scope'>): boolean {
  return m.network_scope === 'all' || m.network_scope === probe.network_type
}

/**
 * Heartbeat = health report + assignment pull. The config version is a digest of the probe's
 * assignment, so an unchanged assignment answers `monitors: null`.
 */
export async function heartbeat(deps: Deps, probe: ProbeRow, req: HeartbeatRequest): Promise<HeartbeatResponse> {
  if ((req.protocol_version ?? PROBE_PROTOCOL_VERSION) !== PROBE_PROTOCOL_VERSION) {
    throw new AppError(
      'VALIDATION_FAILED',
      `unsupported probe protocol version ${req.protocol_version}; server speaks ${PROBE_PROTOCOL_VERSION}`,
    )
  }
  const now = deps.clock.now()
  await deps.repos.probes.update(probe.id, {
    last_seen_at: now,
    health: req.health ? JSON.stringify(req.health) : probe.health,
  })
  deps.events.emit('ProbeSeen', { probeId: probe.id, at: now })
  const configs: ProbeMonitorConfig[] = []
  for (const m of await deps.repos.monitors.listAssignable(probe.network_type, PROBE_KINDS)) {
    try {
      configs.push(toProbeMonitorConfig(m))
    } catch (err) {
      // One monitor whose secret cannot be decrypted (SECRET_KEY changed, tampered row) must not
      // cut the probe off from every other assignment: skip it, loudly.
      deps.log.error({ err, monitorId: m.id }, 'monitor skipped from probe assignment: its secrets cannot be decrypted')
    }
  }
  const version = createHash('sha256').update(JSON.stringify(configs)).digest('hex').slice(0, 32)
  return {
    probe: { id: probe.id, name: probe.name, network_type: probe.network_type as NetworkType },
    config_version: version,
    monitors: req.config_version === version ? null : configs,
    heartbeat_interval_seconds: deps.config.PROBE_HEARTBEAT_SECONDS,
    server_time: now,
  }
}
