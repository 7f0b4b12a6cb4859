import type { Monitor, MonitorStatus } from '@whatisup/shared'
import { computed, onBeforeUnmount, onMounted, reactive, ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { type ApiError, toApiError } from '../../../api/index'
import type { RealtimeEvent } from '../../../api/realtime'
import { useRealtimeStore } from '../../../stores/realtime'
import { fetchPage, firstPage } from './listPage'
import { initialState, type ListState, STORAGE_KEY, toQuery, toServerQuery } from './listState'
import { fetchRowStats, type RowStats } from './rowStats'

/**
 * Status changes arrive live; response times and "last checked" change with every check, which is
 * not worth a push, so the page refreshes them quietly at this slow pace.
 */
const FRESHEN_MS = 60_000

const storage = (): Storage | null => (typeof localStorage === 'undefined' ? null : localStorage)

/**
 * The monitor list page's data: state in the URL (and localStorage), server-side pagination,
 * search and filters (status, kind, group, tag), the page's 24 h row statistics in one request,
 * and live status updates from the realtime channel instead of polling.
 */
export function useMonitorList() {
  const route = useRoute()
  const router = useRouter()
  const realtime = useRealtimeStore()
  const state = reactive<ListState>(initialState(route.query, storage()))
  const items = shallowRef<Monitor[]>([])
  const total = ref(0)
  const loaded = ref(false)
  const error = shallowRef<ApiError | null>(null)
  /** Row statistics by monitor id; rows without an entry show placeholders. */
  const stats = shallowRef<Record<string, RowStats>>({})
  const statsLoaded = ref(false)

  let seq = 0
  // Statistics are secondary: a failure keeps what was shown, the list itself stays usable.
  async function loadStats(mine: number, ids: string[]): Promise<void> {
    try {
      const next = await fetchRowStats(ids)
      if (mine === seq) stats.value = next
    } catch {
      // Nothing to add: rows keep their last figures or their placeholders.
    } finally {
      if (mine === seq) statsLoaded.value = true
    }
  }

  async function load(): Promise<void> {
    const mine = ++seq
    try {
      // The first load takes the page the router asked for on the way here, if it is this one.
      const params = toServerQuery(state)
      const page = await (mine === 1 ? firstPage(params) : fetchPage(params))
      if (mine !== seq) return
      items.value = page.items
      total.value = page.total
      void loadStats(
        mine,
        page.items.map((m) => m.id),
      )
      error.value = null
      // After deletes (here or elsewhere) the page may be past the end: step back to the last one.
      const last = Math.max(1, Math.ceil(total.value / state.size))
      if (state.page > last) state.page = last
    } catch (err) {
      if (mine === seq) error.value = toApiError(err)
    } finally {
      if (mine === seq) loaded.value = true
    }
  }

  const pages = computed(() => Math.max(1, Math.ceil(total.value / state.size)))

  let debounce: ReturnType<typeof setTimeout> | undefined
  watch(
    () => ({ ...state }),
    (s, old) => {
      // A new search or filter starts again from the first page.
      if (
        old &&
        (s.q !== old.q ||
          s.status !== old.status ||
          s.kind !== old.kind ||
          s.group !== old.group ||
          s.tag !== old.tag ||
          s.size !== old.size)
      )
        state.page = 1
      storage()?.setItem(STORAGE_KEY, JSON.stringify(toQuery(state)))
      clearTimeout(debounce)
      debounce = setTimeout(
        () => {
          void router.replace({ query: toQuery(state) })
          void load()
        },
        s.q !== old?.q ? 250 : 0,
      )
    },
  )

  let refetch: ReturnType<typeof setTimeout> | undefined
  const refetchSoon = () => {
    clearTimeout(refetch)
    refetch = setTimeout(() => void load(), 300)
  }

  function onEvents(events: RealtimeEvent[]): void {
    let patch: Map<string, MonitorStatus> | null = null
    for (const e of events) {
      if (e.type === 'MonitorStateChanged' && e.data.monitorId && e.data.to) {
        patch ??= new Map()
        patch.set(e.data.monitorId, e.data.to as MonitorStatus)
      } else if (e.type === 'MonitorCreated' || e.type === 'MonitorDeleted' || e.type === 'MonitorUpdated') {
        refetchSoon()
      }
    }
    if (!patch) return
    const changes = patch
    items.value = items.value.map((m) => {
      const to = changes.get(m.id)
      return to && to !== m.status ? ({ ...m, status: to } as Monitor) : m
    })
    // A status filter may now exclude (or include) rows: refresh the page quietly.
    if (state.status) refetchSoon()
  }

  const offs: (() => void)[] = []
  let freshen: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    freshen = setInterval(() => {
      if (!document.hidden) void load()
    }, FRESHEN_MS)
    offs.push(
      realtime.subscribe(onEvents),
      realtime.onResync(() => void load()),
    )
    if (JSON.stringify(toQuery(state)) !== JSON.stringify(route.query)) void router.replace({ query: toQuery(state) })
    void load()
  })
  onBeforeUnmount(() => {
    for (const off of offs) off()
    clearTimeout(debounce)
    clearTimeout(refetch)
    clearInterval(freshen)
  })

  return { state, items, total, loaded, error, pages, stats, statsLoaded, load }
}
