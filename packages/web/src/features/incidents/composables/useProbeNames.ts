import { computed, shallowRef, watch } from 'vue'
import { listProbes } from '../../../api/incidents'
import { useAuthStore } from '../../../stores/auth'

// Probes rarely change: one fetch per page load is enough, shared by every page that shows them.
const names = shallowRef<ReadonlyMap<string, string> | null>(null)
let loading: Promise<void> | null = null

/**
 * Probe id → name for superadmins (the only ones who may list probes); others get null and the
 * pages show counts instead.
 */
export function useProbeNames() {
  const auth = useAuthStore()
  const allowed = computed(() => auth.user?.is_superadmin === true)
  watch(
    allowed,
    (ok) => {
      if (!ok || names.value || loading) return
      loading = listProbes()
        .then((probes) => {
          names.value = new Map(probes.map((p) => [p.id, p.name]))
        })
        .catch(() => undefined)
        .finally(() => {
          loading = null
        })
    },
    { immediate: true },
  )
  return computed(() => (allowed.value ? names.value : null))
}
