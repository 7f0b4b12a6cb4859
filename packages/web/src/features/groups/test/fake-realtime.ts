import { vi } from 'vitest'
import type { RealtimeEvent } from '../../../api/realtime'
import { useRealtimeStore } from '../../../stores/realtime'

/**
 * Takes the place of the live channel for the active Pinia: call before mounting; the returned
 * function delivers one batch of events to every subscriber, as a `batch` frame would.
 */
export function fakeRealtime(): (...events: RealtimeEvent[]) => void {
  const realtime = useRealtimeStore()
  const listeners = new Set<(events: RealtimeEvent[]) => void>()
  vi.spyOn(realtime, 'subscribe').mockImplementation((l) => {
    listeners.add(l)
    return () => listeners.delete(l)
  })
  return (...events) => {
    for (const l of [...listeners]) l(events)
  }
}
