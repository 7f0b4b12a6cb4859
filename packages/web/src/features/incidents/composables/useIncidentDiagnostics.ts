import type { IncidentDiagnosticsDto } from '@whatisup/shared'
import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { type ApiError, api, toApiError } from '../../../api/index'
import type { RealtimeEvent } from '../../../api/realtime'
import { useRealtimeStore } from '../../../stores/realtime'

/** Without the live channel (or while it reconnects) pending diagnostics are still picked up, slowly. */
const POLL_MS = 30_000

/**
 * An incident's diagnostics, reloaded when the live channel says a probe uploaded some (or the
 * incident's scope changed, which may ask new probes), after a reconnect, and every 30 s while a
 * request is still pending.
 */
export function useIncidentDiagnostics(id: () => string) {
  const diagnostics = shallowRef<IncidentDiagnosticsDto | null>(null)
  const error = shallowRef<ApiError | null>(null)
  const loaded = ref(false)
  const realtime = useRealtimeStore()
  let timer: ReturnType<typeof setTimeout> | undefined
  let unmounted = false

  async function refresh(): Promise<void> {
    clearTimeout(timer)
    try {
      diagnostics.value = await api.get<IncidentDiagnosticsDto>(`/incidents/${encodeURIComponent(id())}/diagnostics`)
      error.value = null
    } catch (err) {
      error.value = toApiError(err)
    } finally {
      loaded.value = true
    }
    const waiting = diagnostics.value?.probes.some((p) => p.state === 'pending') ?? true
    if (waiting && !unmounted) timer = setTimeout(() => void refresh(), POLL_MS)
  }

  function onEvents(events: RealtimeEvent[]): void {
    const concerned = events.some(
      (e) => (e.type === 'DiagnosticsRecorded' || e.type === 'IncidentUpdated') && e.data.incidentId === id(),
    )
    if (concerned) void refresh()
  }
  const offs: (() => void)[] = []
  onMounted(() => {
    offs.push(
      realtime.subscribe(onEvents),
      realtime.onResync(() => void refresh()),
    )
    void refresh()
  })
  onBeforeUnmount(() => {
    unmounted = true
    clearTimeout(timer)
    for (const off of offs) off()
  })
  return { diagnostics, error, loaded, refresh }
}
