import { ref } from 'vue'
import { listIncidents } from '../../../api/incidents'
import { usePolling } from '../../../ui/usePolling'

const POLL_MS = 15_000
// The server caps a page at 500; more open incidents than that reads as "500+".
export const OPEN_COUNT_CAP = 500

/** How many incidents are open, for the navigation badge; null until known. */
export function useOpenIncidentCount() {
  const count = ref<number | null>(null)
  usePolling(async () => {
    // Open incidents are listed whatever their age, so the shortest window keeps the query cheap.
    count.value = (await listIncidents({ resolved: false, days: 1, limit: OPEN_COUNT_CAP })).length
  }, POLL_MS)
  return count
}
