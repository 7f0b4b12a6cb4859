import { onMounted, ref, shallowRef } from 'vue'
import { listMonitors } from '../../../api/monitors'
import { listGroups } from '../../groups/api'

export interface MonitorOption {
  id: string
  name: string
}

// The server's page cap: enough for a picker; beyond it a window can still target "all my monitors".
const LIMIT = 500

const byName = (a: MonitorOption, b: MonitorOption) => a.name.localeCompare(b.name)

/**
 * The monitors (and, with `groups`, the monitor groups) a window or silence can target, and their
 * names for the lists.
 */
export function useMonitorOptions(options: { groups?: boolean } = {}) {
  const monitors = shallowRef<MonitorOption[]>([])
  const groups = shallowRef<MonitorOption[]>([])
  const loaded = ref(false)
  const names = shallowRef<ReadonlyMap<string, string>>(new Map())
  const groupNames = shallowRef<ReadonlyMap<string, string>>(new Map())

  onMounted(async () => {
    // Each list on its own: the picker still offers "all my monitors" and lists fall back to ids.
    const [page, groupList] = await Promise.all([
      listMonitors({ limit: LIMIT }).catch(() => null),
      options.groups ? listGroups().catch(() => []) : [],
    ])
    monitors.value = (page?.items ?? []).map((m) => ({ id: m.id, name: m.name })).sort(byName)
    names.value = new Map(monitors.value.map((m) => [m.id, m.name]))
    groups.value = groupList.map((g) => ({ id: g.id, name: g.name })).sort(byName)
    groupNames.value = new Map(groups.value.map((g) => [g.id, g.name]))
    loaded.value = true
  })
  return { monitors, names, groups, groupNames, loaded }
}
