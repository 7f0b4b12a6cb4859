import type { Deps } from '../../core/deps.js'
import type { ProbeRow } from '../../storage/repositories/index.js'
import type { ProbeFacts } from './correlate.js'

/** What the verdict needs to know about each probe. Region falls back to the location label. */
export function toFacts(p: ProbeRow): ProbeFacts {
  return {
    id: p.id,
    region: p.region ?? (p.location_name.trim() || null),
    asn: p.asn,
    online: p.is_active === 1 && p.offline_since === null,
    suspect: p.suspect_since !== null,
  }
}

export async function loadProbeFacts(deps: Deps): Promise<{ facts: Map<string, ProbeFacts>; rows: ProbeRow[] }> {
  const rows = await deps.repos.probes.list()
  return { facts: new Map(rows.map((p) => [p.id, toFacts(p)])), rows }
}
