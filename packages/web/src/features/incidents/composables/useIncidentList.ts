import type { IncidentSummaryDto } from '@whatisup/shared'
import { ref, shallowRef } from 'vue'
import * as incidentsApi from '../../../api/incidents'
import { type ApiError, toApiError } from '../../../api/index'
import { usePolling } from '../../../ui/usePolling'
import { type IncidentFilter, sortIncidents } from '../present'

// Until the real-time channel lands the list refreshes itself; incidents move slower than checks.
const POLL_MS = 15_000
const DAYS = 30

/** The incidents of the last 30 days (open ones whatever their age), open first. */
export function useIncidentList(filter: () => IncidentFilter) {
  const items = shallowRef<IncidentSummaryDto[]>([])
  const loaded = ref(false)
  const error = shallowRef<ApiError | null>(null)

  async function load(): Promise<void> {
    const show = filter()
    try {
      const list = await incidentsApi.listIncidents({
        days: DAYS,
        resolved: show === 'all' ? undefined : show === 'resolved',
      })
      // A filter change while this was in flight: its own run (queued by refresh) wins.
      if (show !== filter()) return
      items.value = sortIncidents(list)
      error.value = null
    } catch (err) {
      error.value = toApiError(err)
    } finally {
      loaded.value = true
    }
  }

  const { refresh } = usePolling(load, POLL_MS)
  return { items, loaded, error, refresh, days: DAYS }
}
