import type { Deps } from '../../core/deps.js'
import { onMemberDeleted, reevaluateParents } from './composite.service.js'

const inflight = new WeakMap<Deps, Set<Promise<void>>>()

function track(deps: Deps, work: Promise<void>): Promise<void> {
  let set = inflight.get(deps)
  if (!set) {
    set = new Set()
    inflight.set(deps, set)
  }
  const s = set
  s.add(work)
  void work.finally(() => s.delete(work)).catch(() => {})
  return work
}

/**
 * Composites follow their members: a member's state change (not every result), a member paused,
 * resumed or renamed, a member deleted. A composite's own state change is an event too, so a
 * composite of composites follows (cycles are refused when members are added). Returns a stop function.
 */
export function startComposites(deps: Deps): () => void {
  const offs = [
    deps.events.on('MonitorStateChanged', (e) => track(deps, reevaluateParents(deps, e.monitorId))),
    deps.events.on('MonitorUpdated', (e) => track(deps, reevaluateParents(deps, e.monitorId))),
    deps.events.on('MonitorDeleted', (e) => track(deps, onMemberDeleted(deps, e.monitorId))),
  ]
  return () => {
    for (const off of offs) off()
  }
}

/** Resolves once every re-evaluation started by events (and those they started) is done. */
export async function compositesSettled(deps: Deps): Promise<void> {
  for (let set = inflight.get(deps); set && set.size > 0; set = inflight.get(deps)) {
    await Promise.allSettled([...set])
  }
}
