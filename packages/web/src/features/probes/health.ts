import type { ProbeDto } from '@whatisup/shared'

/** What a probe's marker and badge say about it. */
export type ProbeHealth = 'online' | 'offline' | 'never' | 'disabled'

/** Matches the server's default PROBE_OFFLINE_AFTER_SECONDS: silent longer than this is offline. */
export const OFFLINE_AFTER_MS = 120_000

/**
 * @example probeHealth({ is_active: true, last_seen_at: new Date(now - 5_000).toISOString() }, now) // 'online'
 */
export function probeHealth(p: Pick<ProbeDto, 'is_active' | 'last_seen_at'>, now: number): ProbeHealth {
  if (!p.is_active) return 'disabled'
  if (p.last_seen_at === null) return 'never'
  return now - Date.parse(p.last_seen_at) < OFFLINE_AFTER_MS ? 'online' : 'offline'
}

/** Probes that can be placed on a map. */
export const located = (probes: readonly ProbeDto[]) =>
  probes.filter(
    (p): p is ProbeDto & { latitude: number; longitude: number } => p.latitude !== null && p.longitude !== null,
  )

/** Leaflet puts attribution in innerHTML; the setting is plain text, so escape it. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
