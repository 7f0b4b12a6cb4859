import { onScopeDispose, ref, watch } from 'vue'
import { type MatrixRowInput, previewMatrix } from '../../../api/alerting'

/**
 * The live "≈ N / 30 d" estimate of a proposed matrix: asks the server's replay a moment after the
 * last edit (debounced), and drops answers to older proposals.
 */
export function usePreview(monitorId: () => string, rows: () => MatrixRowInput[], delayMs = 600) {
  const counts = ref<Record<string, number>>({})
  const total = ref<number | null>(null)
  const loading = ref(false)
  const failed = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  let inflight: AbortController | null = null

  async function run(): Promise<void> {
    inflight?.abort()
    const ctrl = new AbortController()
    inflight = ctrl
    loading.value = true
    try {
      const p = await previewMatrix(monitorId(), rows(), ctrl.signal)
      if (ctrl.signal.aborted) return
      counts.value = Object.fromEntries(p.counts.map((c) => [c.condition, c.count]))
      total.value = p.total
      failed.value = false
    } catch {
      if (!ctrl.signal.aborted) failed.value = true
    } finally {
      if (inflight === ctrl) {
        loading.value = false
        inflight = null
      }
    }
  }

  function schedule(): void {
    clearTimeout(timer)
    loading.value = true
    timer = setTimeout(() => void run(), delayMs)
  }

  watch(() => JSON.stringify(rows()), schedule, { immediate: true })
  onScopeDispose(() => {
    clearTimeout(timer)
    inflight?.abort()
  })
  return { counts, total, loading, failed, refresh: run }
}
