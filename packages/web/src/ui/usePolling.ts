import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Runs `task` on mount and then `intervalMs` after each run finishes (never overlapping), pausing
 * while the tab is hidden. A task that returns `false` stops the polling (e.g. the resource is gone).
 */
export function usePolling(task: () => Promise<unknown>, intervalMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = false
  let stopped = false
  // A refresh asked for while a run is in flight (e.g. a new search) runs right after it.
  let again = false

  async function run(): Promise<void> {
    clearTimeout(timer)
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = true
    again = false
    let keepGoing = true
    try {
      keepGoing = (await task()) !== false
    } catch {
      // The task surfaces its own errors; polling carries on so a blip heals by itself.
    } finally {
      running = false
    }
    if (!keepGoing) stopped = true
    if (stopped) return
    if (again) void run()
    else if (!document.hidden) timer = setTimeout(run, intervalMs)
  }

  function onVisibility(): void {
    if (!document.hidden) void run()
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    void run()
  })
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(timer)
    document.removeEventListener('visibilitychange', onVisibility)
  })

  return { refresh: run }
}
