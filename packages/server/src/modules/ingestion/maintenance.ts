import type { Deps } from '../../core/deps.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import { activeWindow, type MaintenanceSchedule } from '../maintenance/index.js'

interface Cached {
  version: string
  windows: {
    monitorId: string | null
    groupId: string | null
    tags: string[] | null
    ownerId: string
    schedule: MaintenanceSchedule
  }[]
}
const cache = new WeakMap<Deps, Cached>()

type Flagged = Pick<MonitorRow, 'id' | 'owner_id' | 'group_id'>

/**
 * Flags results checked inside a maintenance window, so rollups count them as maintenance and
 * uptime/SLO exclude that time. Mirrors the maintenance repository's `forMonitor` rule: a window on
 * the monitor, on its monitor group, on tags it all carries (labels read once for the batch's
 * monitors, only when such a window exists), or owner-wide with no target. Windows are few: loaded
 * once and reloaded only when the table changes (one tiny version query per batch).
 */
export async function maintenanceFlagger(
  deps: Deps,
  batchMonitors: readonly Flagged[],
): Promise<(monitor: Flagged, at: number) => boolean> {
  const version = await deps.repos.analytics.maintenanceVersion()
  let c = cache.get(deps)
  if (!c || c.version !== version) {
    const rows = version.startsWith('0:') ? [] : await deps.repos.maintenance.all()
    c = {
      version,
      windows: rows.map((w) => ({
        monitorId: w.monitor_id,
        groupId: w.group_id,
        tags: w.tags === null ? null : (JSON.parse(w.tags) as string[]),
        ownerId: w.owner_id,
        schedule: JSON.parse(w.schedule) as MaintenanceSchedule,
      })),
    }
    cache.set(deps, c)
  }
  const { windows } = c
  if (windows.length === 0) return () => false
  const labels = windows.some((w) => w.tags !== null)
    ? await deps.repos.groups.labelsFor(batchMonitors.map((m) => m.id))
    : new Map<string, string[]>()
  const covers = (w: Cached['windows'][number], m: Flagged): boolean => {
    if (w.ownerId !== m.owner_id) return false
    if (w.monitorId !== null) return w.monitorId === m.id
    if (w.groupId !== null) return w.groupId === m.group_id
    if (w.tags !== null) {
      const own = labels.get(m.id) ?? []
      return w.tags.every((t) => own.includes(t))
    }
    return true
  }
  return (m, at) => windows.some((w) => covers(w, m) && activeWindow(w.schedule, at) !== null)
}
