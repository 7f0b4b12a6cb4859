import { PAGING_SCOPES, type Scope, type Verdict } from './correlate.js'

/** Why an incident exists without paging (yet). */
export type Suppression = 'maintenance' | 'dependency' | null

export interface OpenIncident {
  id: string
  scope: Scope
  affected: readonly string[]
}

export interface DecisionContext {
  inMaintenance: boolean
  /** An upstream dependency has an open incident. */
  parentDown: boolean
  /** The monitor was flapping after the previous evaluation. */
  wasFlapping: boolean
}

export type IncidentAction =
  | { kind: 'none' }
  | { kind: 'open'; scope: Scope; affected: string[]; firstFailureAt: number | null; suppressed: Suppression }
  | { kind: 'update'; scope: Scope; affected: string[]; escalated: boolean }
  | { kind: 'resolve' }

export interface Decision {
  action: IncidentAction
  /** One notice when flapping starts and one when it stops — never a stream of opens/resolves. */
  flapping: 'started' | 'stopped' | null
}

const RANK: Record<Scope, number> = { none: 0, probe_local: 1, partial: 2, regional: 3, global: 4 }

/**
 * Turns a verdict into what happens to the monitor's incident. Pure: the caller applies it.
 *
 * @example decide(v, undefined, ctx) // { action: { kind: 'open', scope: 'global', … }, flapping: null }
 */
export function decide(v: Verdict, open: OpenIncident | undefined, ctx: DecisionContext): Decision {
  if (v.flapping) return { action: { kind: 'none' }, flapping: ctx.wasFlapping ? null : 'started' }
  const flapping = ctx.wasFlapping ? 'stopped' : null
  const affected = [...v.failing].sort()
  if (PAGING_SCOPES.has(v.scope)) {
    if (!open) {
      const suppressed: Suppression = ctx.inMaintenance ? 'maintenance' : ctx.parentDown ? 'dependency' : null
      return {
        action: { kind: 'open', scope: v.scope, affected, firstFailureAt: v.firstFailureAt, suppressed },
        flapping,
      }
    }
    if (open.scope !== v.scope || !sameSet(open.affected, affected)) {
      return {
        action: {
          kind: 'update',
          scope: v.scope,
          affected,
          escalated: RANK[v.scope] > RANK[open.scope] && PAGING_SCOPES.has(open.scope),
        },
        flapping,
      }
    }
    return { action: { kind: 'none' }, flapping }
  }
  if (!open || v.status === 'unknown') return { action: { kind: 'none' }, flapping }
  // A scattered minority still failing keeps the incident open, narrowed; anything less resolves it.
  if (v.scope === 'partial') {
    return open.scope === 'partial' && sameSet(open.affected, affected)
      ? { action: { kind: 'none' }, flapping }
      : { action: { kind: 'update', scope: 'partial', affected, escalated: false }, flapping }
  }
  return { action: { kind: 'resolve' }, flapping }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}
