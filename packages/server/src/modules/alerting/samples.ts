import type { CheckStatus } from '@whatisup/shared'
import type { Sample } from './decide.js'

/**
 * Turns stored results into samples for the sampled conditions (degraded, response time, TLS and
 * domain expiry). The live path folds each new result as it is recorded; the preview folds 30
 * days of them — the same functions, in the same order (by time).
 */

/** A probe's newest result, with the last TLS / domain facts it reported (details are stored only on change). */
export interface ProbeLatest {
  at: number
  status: CheckStatus
  latencyMs: number
  tlsValidTo: number | null
  domainExpiresAt: number | null
}

export interface SamplerState {
  probes: Record<string, ProbeLatest>
}

export interface StoredResult {
  probe_id: string
  checked_at: number
  /** 0 up, 1 degraded, 2 down (storage code). */
  status: number
  latency_ms: number
  detail: string | null
}

const STATUS: readonly CheckStatus[] = ['up', 'degraded', 'down']
const DAY_MS = 86_400_000

/** A probe's view counts for three intervals (at least 90 s), as in the incident engine. */
export const freshnessMs = (intervalSeconds: number) => Math.max(3 * intervalSeconds * 1000, 90_000)

function facts(detail: string | null): { tls: number | null; domain: number | null } {
  if (!detail) return { tls: null, domain: null }
  try {
    const d = JSON.parse(detail) as {
      tls?: { valid_to?: unknown }
      details?: { expires_at?: unknown; shortest_valid_to?: unknown }
    }
    const candidates = [d.tls?.valid_to, d.details?.shortest_valid_to].filter((v): v is number => typeof v === 'number')
    const domain = d.details?.expires_at
    return {
      tls: candidates.length ? Math.min(...candidates) : null,
      domain: typeof domain === 'number' ? domain : null,
    }
  } catch {
    return { tls: null, domain: null }
  }
}

/** Folds one result into the state; false when it is not newer than what the probe already said. */
export function foldResult(state: SamplerState, r: StoredResult): boolean {
  const prev = state.probes[r.probe_id]
  if (prev && r.checked_at <= prev.at) return false
  const f = facts(r.detail)
  state.probes[r.probe_id] = {
    at: r.checked_at,
    status: STATUS[r.status] ?? 'down',
    latencyMs: r.latency_ms,
    tlsValidTo: f.tls ?? prev?.tlsValidTo ?? null,
    domainExpiresAt: f.domain ?? prev?.domainExpiresAt ?? null,
  }
  return true
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * The monitor as its fresh probes see it at `at`: down when none reaches it, degraded when one
 * that reaches it sees it degraded; latency as the median over the probes that reach it (one slow
 * probe is that probe's network, not the service); the soonest certificate and domain expiry.
 */
export function sampleAt(state: SamplerState, at: number, freshMs: number): Sample {
  const fresh = Object.values(state.probes).filter((p) => p.at <= at && at - p.at <= freshMs)
  if (fresh.length === 0) return { status: null, latencyMs: null, sslDays: null, domainDays: null }
  const reaching = fresh.filter((p) => p.status !== 'down')
  const degraded = reaching.some((p) => p.status === 'degraded')
  const tls = fresh.map((p) => p.tlsValidTo).filter((v): v is number => v !== null)
  const domain = fresh.map((p) => p.domainExpiresAt).filter((v): v is number => v !== null)
  return {
    status: reaching.length === 0 ? 'down' : degraded ? 'degraded' : 'up',
    latencyMs: median(reaching.map((p) => p.latencyMs)),
    sslDays: tls.length ? (Math.min(...tls) - at) / DAY_MS : null,
    domainDays: domain.length ? (Math.min(...domain) - at) / DAY_MS : null,
  }
}
