import type { IncidentDto, Monitor, ResultDto } from '@whatisup/shared'
import { ref, shallowRef } from 'vue'
import { type ApiError, toApiError } from '../../../api/index'
import * as monitorsApi from '../../../api/monitors'
import { useMonitorsStore } from '../../../stores/monitors'
import { usePolling } from '../../../ui/usePolling'

// The detail page is where someone watches a check they just created: refresh it faster than the list.
const POLL_MS = 3_000
const RESULTS_LIMIT = 100

/** The monitor, its recent results (newest first) and its incidents, kept fresh by polling. */
export function useMonitorDetail(id: () => string) {
  const store = useMonitorsStore()
  const monitor = shallowRef<Monitor | null>(store.byId[id()] ?? null)
  const results = shallowRef<ResultDto[]>([])
  const incidents = shallowRef<IncidentDto[]>([])
  const loaded = ref(false)
  const notFound = ref(false)
  const error = shallowRef<ApiError | null>(null)

  async function load(): Promise<boolean> {
    const monitorId = id()
    const [m, r, i] = await Promise.allSettled([
      store.fetchOne(monitorId),
      monitorsApi.listResults(monitorId, RESULTS_LIMIT),
      monitorsApi.listIncidents(monitorId),
    ])
    loaded.value = true
    if (m.status === 'rejected') {
      const err = toApiError(m.reason)
      if (err.status === 404) {
        notFound.value = true
        return false
      }
      error.value = err
      return true
    }
    monitor.value = m.value
    if (r.status === 'fulfilled') results.value = r.value
    if (i.status === 'fulfilled') incidents.value = i.value
    const failed = [r, i].find((x) => x.status === 'rejected')
    error.value = failed ? toApiError(failed.reason) : null
    return true
  }

  const { refresh } = usePolling(load, POLL_MS)
  return { monitor, results, incidents, loaded, notFound, error, refresh }
}
