import { ref, type ShallowRef, shallowRef } from 'vue'
import { toApiError } from '../api/index'
import { usePolling } from './usePolling'

/**
 * A list page's data: fetched on mount and every `intervalMs` (see {@link usePolling}), with the
 * last load error kept as a message for the page's alert. The previous items stay on screen while
 * a refresh fails, so a blip does not blank the page.
 */
export function usePolledList<T>(fetch: () => Promise<T[]>, intervalMs: number) {
  const items: ShallowRef<T[]> = shallowRef([])
  const loaded = ref(false)
  const loadError = ref<string | null>(null)

  async function load(): Promise<void> {
    try {
      items.value = await fetch()
      loadError.value = null
    } catch (err) {
      loadError.value = toApiError(err).message
    } finally {
      loaded.value = true
    }
  }
  const { refresh } = usePolling(load, intervalMs)
  return { items, loaded, loadError, refresh }
}
