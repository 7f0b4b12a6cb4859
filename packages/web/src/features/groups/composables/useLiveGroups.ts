import { onBeforeUnmount, onMounted } from 'vue'
import type { RealtimeEvent } from '../../../api/realtime'
import { useRealtimeStore } from '../../../stores/realtime'
import { useGroupsStore } from '../store'

/** A burst (a bulk action, a group deleted with its members) costs one refetch after this quiet time. */
export const REFRESH_DEBOUNCE_MS = 300

export const isGroupEvent = (e: RealtimeEvent) =>
  e.type === 'GroupCreated' || e.type === 'GroupUpdated' || e.type === 'GroupDeleted'
export const isTagEvent = (e: RealtimeEvent) =>
  e.type === 'TagCreated' || e.type === 'TagUpdated' || e.type === 'TagDeleted'

/**
 * While the calling component is mounted, runs `refresh` once realtime events that `matches` stop
 * arriving for {@link REFRESH_DEBOUNCE_MS}, and after a reconnect (events may have been missed).
 */
export function useRealtimeRefresh(
  matches: (e: RealtimeEvent) => boolean,
  refresh: () => unknown,
  debounceMs = REFRESH_DEBOUNCE_MS,
): void {
  const realtime = useRealtimeStore()
  let timer: ReturnType<typeof setTimeout> | undefined
  const offs: (() => void)[] = []
  onMounted(() => {
    offs.push(
      realtime.subscribe((events) => {
        if (!events.some(matches)) return
        clearTimeout(timer)
        timer = setTimeout(refresh, debounceMs)
      }),
      realtime.onResync(() => void refresh()),
    )
  })
  onBeforeUnmount(() => {
    for (const off of offs) off()
    clearTimeout(timer)
  })
}

/**
 * Monitors change state far more often than groups are edited, and each change moves one group's
 * state counts at most: those refetches wait for this longer quiet time.
 */
export const STATE_COUNTS_DEBOUNCE_MS = 2_000
export const changesStateCounts = (e: RealtimeEvent) => e.type === 'MonitorStateChanged' || e.type === 'MonitorUpdated'

/**
 * While the calling component is mounted, the groups store's lists (names, counts, tag colours,
 * filter options) follow group and tag edits made elsewhere: another tab, another user of the team.
 */
export function useLiveGroups(opts: { stateCounts?: boolean } = {}): void {
  const store = useGroupsStore()
  useRealtimeRefresh(isGroupEvent, () => store.fetchGroups())
  useRealtimeRefresh(isTagEvent, () => store.fetchTags())
  // Pages that show each group's up/down/paused counts follow its monitors' states too.
  if (opts.stateCounts) useRealtimeRefresh(changesStateCounts, () => store.fetchGroups(), STATE_COUNTS_DEBOUNCE_MS)
}
