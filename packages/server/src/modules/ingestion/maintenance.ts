import type { Deps } from '../../core/deps.js'
import type { MonitorRow } from '../../storage/repositories/index.js'
import { activeWindow, type MaintenanceSchedule } from '../maintenance/index.js'

interface Cached {
  version: string
  windows: { monitorId: string | null; ownerId: string; tagged: boolean; schedule: MaintenanceSchedule }[]
}
const cache = new WeakMap<Deps, Cached>()

/**
 * Flags results checked inside a maintenance window, so rollups count them as maintenance and
 * uptime/SLO exclude that time. Mirrors the maintenance repository's `forMonitor` rule (a window
 * on the monitor, or owner-wide with no monitor; a tag-selector window is not owner-wide, and is
 * not flagged here as the monitor's labels are not at hand). Windows are few: loaded once and reloaded only
 * when the table changes (one tiny version query per batch).
 */
export async function maintenanceFlagger(
  deps: Deps,
): Promise<(monitor: Pick<MonitorRow, 'id' | 'owner_id'>, at: number) => boolean> {
  const version = await deps.repos.analytics.maintenanceVersion()
  let c = cache.get(deps)
  if (!c || c.version !== version) {
    const rows = version.startsWith('0:') ? [] : await deps.repos.maintenance.all()
    c = {
      version,
      windows: rows.map((w) => ({
        monitorId: w.monitor_id,
        ownerId: w.owner_id,
        tagged: w.tags !== null,
        schedule: JSON.parse(w.schedule) as MaintenanceSchedule,
      })),
    }
    cache.set(deps, c)
  }
  const { windows } = c
  if (windows.length === 0) return () => false
  return (m, at) =>
    windows.some(
      (w) =>
        (w.monitorId === m.id || (w.monitorId === null && !w.tagged && w.ownerId === m.owner_id)) &&
        activeWindow(w.schedule, at) !== null,
    )
}
