import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as authApi from '../api/auth'
import { tokens } from '../api/index'
import { createRealtimeConnection, type RealtimeEvent, type RealtimeStatus, type SocketLike } from '../api/realtime'

type EventListener = (events: RealtimeEvent[]) => void

function defaultUrl(): string {
  const { protocol, host } = globalThis.location
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/api/v1/ws`
}

/** The app's single live channel: pages subscribe to events and to resyncs after a reconnect. */
export const useRealtimeStore = defineStore('realtime', () => {
  const status = ref<RealtimeStatus>('idle')
  const listeners = new Set<EventListener>()
  const resyncs = new Set<() => void>()

  const connection = createRealtimeConnection({
    url: defaultUrl(),
    token: () => tokens.access(),
    // Any authenticated call renews an expired access token through the API client.
    renew: () => authApi.fetchMe(),
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    onEvents: (events) => {
      for (const l of listeners) l(events)
    },
    onResync: () => {
      for (const r of resyncs) r()
    },
    onStatus: (s) => {
      status.value = s
    },
  })

  function subscribe(listener: EventListener): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }
  function onResync(listener: () => void): () => void {
    resyncs.add(listener)
    return () => resyncs.delete(listener)
  }

  return { status, start: connection.start, stop: connection.stop, subscribe, onResync }
})
