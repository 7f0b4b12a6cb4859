import { computed, type Ref, ref, watch } from 'vue'
import { listChannels } from '../../../api/alerting'
import { useAuthStore } from '../../../stores/auth'

export type OnboardingStep = 'monitor' | 'channel' | 'probe'

/** Per-user localStorage flags: the list was started (the user had no monitor) or dismissed. */
const key = (userId: string, flag: 'started' | 'dismissed') => `whatisup.onboarding.${flag}.${userId}`

/**
 * The first-run checklist: it appears for a user with no monitor, stays (ticking itself) until
 * every step is done or the user dismisses it, and never comes back after that.
 *
 * @param facts what already exists, from the dashboard's own data (null = not loaded yet)
 */
export function useOnboarding(facts: { monitors: Ref<number | null>; remoteProbes: Ref<number | null> }) {
  const auth = useAuthStore()
  const userId = computed(() => auth.user?.id ?? '')
  const isSuperadmin = computed(() => auth.user?.is_superadmin === true)
  const channels = ref<number | null>(null)
  const started = ref(false)
  const dismissed = ref(false)

  watch(
    userId,
    (id) => {
      started.value = id !== '' && localStorage.getItem(key(id, 'started')) === '1'
      dismissed.value = id !== '' && localStorage.getItem(key(id, 'dismissed')) === '1'
    },
    { immediate: true },
  )
  watch(
    () => facts.monitors.value,
    (n) => {
      if (n === 0 && userId.value && !started.value) {
        started.value = true
        localStorage.setItem(key(userId.value, 'started'), '1')
      }
    },
    { immediate: true },
  )

  async function loadChannels(): Promise<void> {
    try {
      channels.value = (await listChannels()).length
    } catch {
      channels.value = null
    }
  }

  const steps = computed(() => {
    const list: { id: OnboardingStep; done: boolean }[] = [
      { id: 'monitor', done: (facts.monitors.value ?? 0) > 0 },
      { id: 'channel', done: (channels.value ?? 0) > 0 },
    ]
    if (isSuperadmin.value) list.push({ id: 'probe', done: (facts.remoteProbes.value ?? 0) > 0 })
    return list
  })
  const visible = computed(() => started.value && !dismissed.value && steps.value.some((s) => !s.done))

  function dismiss(): void {
    dismissed.value = true
    if (userId.value) localStorage.setItem(key(userId.value, 'dismissed'), '1')
  }
  return { steps, visible, dismiss, loadChannels }
}
