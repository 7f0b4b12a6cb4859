import { onMounted, ref, shallowRef } from 'vue'
import { listMonitors } from '../../../api/monitors'

export interface MonitorOption {
  id: string
  name: string
}

// The server's page cap: enough for a picker; beyond it a window can still target "all my monitors".
const LIMIT = 500

/** The monitors a window or silence can target, and their names for the lists. */
export function useMonitorOptions() {
  const monitors = shallowRef<MonitorOption[]>([])
  const loaded = ref(false)
  const names = shallowRef<ReadonlyMap<string, string>>(new Map())

  onMounted(async () => {
    try {
      const page = await listMonitors({ limit: LIMIT })
      monitors.value = page.items.map((m) => ({ id: m.id, name: m.name })).sort((a, b) => a.name.localeCompare(b.name))
      names.value = new Map(monitors.value.map((m) => [m.id, m.name]))
    } catch {
      // The picker still offers "all my monitors"; lists fall back to ids.
    } finally {
      loaded.value = true
    }
  })
  return { monitors, names, loaded }
}
