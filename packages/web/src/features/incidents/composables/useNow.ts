import { onBeforeUnmount, onMounted, ref } from 'vue'

/** A clock ref for live durations; ticks every `intervalMs` while the component is mounted. */
export function useNow(intervalMs = 1000) {
  const now = ref(Date.now())
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => {
      now.value = Date.now()
    }, intervalMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
