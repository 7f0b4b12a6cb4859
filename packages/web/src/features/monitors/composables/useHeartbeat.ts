import type { PingDto, RunDto } from '@whatisup/shared'
import { shallowRef } from 'vue'
import { type ApiError, toApiError } from '../../../api/index'
import { listPings, listRuns } from '../../../api/server-monitors'
import { usePolling } from '../../../ui/usePolling'

const POLL_MS = 5_000

/** A heartbeat monitor's recent pings and runs (newest first), kept fresh while the page is open. */
export function useHeartbeat(id: () => string) {
  const pings = shallowRef<PingDto[]>([])
  const runs = shallowRef<RunDto[]>([])
  const error = shallowRef<ApiError | null>(null)

  async function load(): Promise<void> {
    try {
      const [p, r] = await Promise.all([listPings(id(), 50), listRuns(id(), 100)])
      pings.value = p
      runs.value = r
      error.value = null
    } catch (err) {
      error.value = toApiError(err)
    }
  }

  const { refresh } = usePolling(load, POLL_MS)
  return { pings, runs, error, refresh }
}
