import type { IncidentSummaryDto, Monitor, MonitorStatus, ProbeDto } from '@whatisup/shared'
import { computed, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { listIncidents } from '../../../api/incidents'
import { type ApiError, api, toApiError } from '../../../api/index'
import { listProbes } from '../../../api/probes'
import type { RealtimeEvent } from '../../../api/realtime'
import { useAuthStore } from '../../../stores/auth'
import { useRealtimeStore } from '../../../stores/realtime'

export const DASHBOARD_STATES = [
  'down',
  'degraded',
  'up',
  'paused',
  'unknown',
] as const satisfies readonly MonitorStatus[]

/** Monitor id → status for everything visible, counted per state. */
export function countByState(statuses: Iterable<MonitorStatus>): Record<MonitorStatus, number> {
  const counts: Record<MonitorStatus, number> = { up: 0, degraded: 0, down: 0, unknown: 0, paused: 0 }
  for (const s of statuses) counts[s]++
  return counts
}

/** The dashboard's data, refreshed from realtime events (and a full refetch after a reconnect). */
export function useDashboard() {
  const auth = useAuthStore()
  const realtime = useRealtimeStore()
  const statuses = ref(new Map<string, MonitorStatus>())
  const monitorTotal = ref(0)
  const incidents = shallowRef<IncidentSummaryDto[]>([])
  const probes = shallowRef<ProbeDto[]>([])
  const loaded = ref(false)
  const error = shallowRef<ApiError | null>(null)

  async function loadMonitors(): Promise<void> {
    const res = await api.request<Monitor[]>('GET', '/monitors', { query: { limit: 500 } })
    statuses.value = new Map(res.data.map((m) => [m.id, m.status]))
    monitorTotal.value = Number(res.headers.get('X-Total-Count') ?? res.data.length)
  }
  async function loadIncidents(): Promise<void> {
    incidents.value = await listIncidents({ resolved: false, days: 1, limit: 50 })
  }
  async function loadProbes(): Promise<void> {
    if (auth.user?.is_superadmin) probes.value = await listProbes()
  }
  async function load(): Promise<void> {
    try {
      await Promise.all([loadMonitors(), loadIncidents(), loadProbes()])
      error.value = null
    } catch (err) {
      error.value = toApiError(err)
    } finally {
      loaded.value = true
    }
  }

  let pending: ReturnType<typeof setTimeout> | undefined
  const later = new Set<() => Promise<void>>()
  function soon(task: () => Promise<void>): void {
    later.add(task)
    clearTimeout(pending)
    pending = setTimeout(() => {
      const tasks = [...later]
      later.clear()
      for (const t of tasks) t().catch(() => undefined)
    }, 300)
  }

  function onEvents(events: RealtimeEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case 'MonitorStateChanged':
          if (e.data.monitorId && e.data.to) {
            const next = new Map(statuses.value)
            next.set(e.data.monitorId, e.data.to as MonitorStatus)
            statuses.value = next
          }
          break
        case 'MonitorCreated':
        case 'MonitorDeleted':
          soon(loadMonitors)
          break
        case 'IncidentOpened':
        case 'IncidentResolved':
        case 'IncidentUpdated':
        case 'IncidentReleased':
          soon(loadIncidents)
          break
        case 'ProbeOnline':
        case 'ProbeOffline':
          soon(loadProbes)
          break
        default:
          break
      }
    }
  }

  const offs: (() => void)[] = []
  onMounted(() => {
    offs.push(
      realtime.subscribe(onEvents),
      realtime.onResync(() => void load()),
    )
    void load()
  })
  onBeforeUnmount(() => {
    for (const off of offs) off()
    clearTimeout(pending)
  })

  const counts = computed(() => countByState(statuses.value.values()))
  const isSuperadmin = computed(() => auth.user?.is_superadmin === true)
  return { counts, monitorTotal, incidents, probes, loaded, error, load, isSuperadmin }
}
