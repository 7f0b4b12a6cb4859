import { iso, type MonitoringStatusDto } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import type { ProbeRow } from '../../storage/repositories/index.js'

/** A probe whose checks start this late (p99 of due → start) is overloaded: its results are late. */
export const LAG_P99_LIMIT_MS = 10_000
/** Heartbeats this many intervals late (and not yet offline) make a probe lagging. */
const STALE_HEARTBEATS = 3

export interface ProbeThresholds {
  PROBE_HEARTBEAT_SECONDS: number
  PROBE_OFFLINE_AFTER_SECONDS: number
}

function lagP99(p: ProbeRow): number | null {
  if (!p.health) return null
  try {
    const v = (JSON.parse(p.health) as { lag_p99_ms?: unknown }).lag_p99_ms
    return typeof v === 'number' ? v : null
  } catch {
    return null
  }
}

/**
 * Can WhatIsUp watch right now? Degraded when the database does not answer, or an active probe is
 * offline (marked so, or silent past PROBE_OFFLINE_AFTER_SECONDS) or lagging (heartbeats several
 * intervals late, or its checks starting more than LAG_P99_LIMIT_MS late). Pure; counts only.
 */
export function assessMonitoring(
  dbOk: boolean,
  probes: readonly ProbeRow[],
  now: number,
  c: ProbeThresholds,
): MonitoringStatusDto {
  let offline = 0
  let lagging = 0
  const active = probes.filter((p) => p.is_active === 1)
  for (const p of active) {
    const silentMs = now - (p.last_seen_at ?? p.created_at)
    if (p.offline_since !== null || silentMs > c.PROBE_OFFLINE_AFTER_SECONDS * 1000) offline++
    else if (silentMs > STALE_HEARTBEATS * c.PROBE_HEARTBEAT_SECONDS * 1000 || (lagP99(p) ?? 0) > LAG_P99_LIMIT_MS)
      lagging++
  }
  const reasons: MonitoringStatusDto['reasons'] = []
  if (!dbOk) reasons.push('database_down')
  if (offline > 0) reasons.push('probes_offline')
  if (lagging > 0) reasons.push('probes_lagging')
  return {
    status: reasons.length > 0 ? 'degraded' : 'ok',
    checked_at: iso(now),
    database: dbOk ? 'ok' : 'down',
    probes: { total: active.length, offline, lagging },
    reasons,
  }
}

export async function monitoringStatus(deps: Deps): Promise<MonitoringStatusDto> {
  const dbOk = await deps.database.ping()
  const probes = dbOk ? await deps.repos.probes.list().catch(() => []) : []
  return assessMonitoring(dbOk, probes, deps.clock.now(), deps.config)
}
