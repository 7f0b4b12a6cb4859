import type { IncidentDetailDto } from '@whatisup/shared'
import { ref, shallowRef } from 'vue'
import * as incidentsApi from '../../../api/incidents'
import { type ApiError, toApiError } from '../../../api/index'
import { usePolling } from '../../../ui/usePolling'

// Someone is watching an outage here: refresh fast while it lasts, stop once it is resolved.
const POLL_MS = 5_000

export function useIncidentDetail(id: () => string) {
  const incident = shallowRef<IncidentDetailDto | null>(null)
  const loaded = ref(false)
  const notFound = ref(false)
  const error = shallowRef<ApiError | null>(null)

  async function load(): Promise<boolean> {
    try {
      incident.value = await incidentsApi.getIncident(id())
      error.value = null
    } catch (err) {
      const e = toApiError(err)
      if (e.status === 404) notFound.value = true
      else error.value = e
    } finally {
      loaded.value = true
    }
    return !notFound.value && incident.value?.status !== 'resolved'
  }

  const { refresh } = usePolling(load, POLL_MS)
  return { incident, loaded, notFound, error, refresh }
}
