import { computed, shallowRef } from 'vue'
import { useAuthStore } from '../../../stores/auth'
import { getInstanceSettings, type InstanceSettings } from '../api'

const DEFAULTS: InstanceSettings = { map_tile_url: '', map_attribution: '', geocoder_enabled: false }

/**
 * The instance settings the map and the probe form need. Only superadmins may read them (and see
 * probes at all); for everyone else, and when the request fails, the map-less defaults apply.
 */
export function useInstanceSettings() {
  const auth = useAuthStore()
  const settings = shallowRef<InstanceSettings>(DEFAULTS)
  const isSuperadmin = computed(() => auth.user?.is_superadmin === true)

  async function loadSettings(): Promise<void> {
    if (!isSuperadmin.value) return
    try {
      settings.value = await getInstanceSettings()
    } catch {
      settings.value = DEFAULTS
    }
  }
  return { settings, loadSettings, isSuperadmin }
}
