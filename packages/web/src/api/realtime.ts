/** Events the server forwards on `/api/v1/ws` (see server modules/realtime). */
export type RealtimeEventType =
  | 'MonitorCreated'
  | 'MonitorUpdated'
  | 'MonitorDeleted'
  | 'MonitorStateChanged'
  | 'MonitorFlapping'
  | 'IncidentOpened'
  | 'IncidentUpdated'
  | 'IncidentReleased'
  | 'IncidentResolved'
  | 'DiagnosticsRecorded'
  | 'GroupCreated'
  | 'GroupUpdated'
  | 'GroupDeleted'
  | 'TagCreated'
  | 'TagUpdated'
  | 'TagDeleted'
  | 'ProbeOnline'
  | 'ProbeOffline'

export interface RealtimeEvent {
  type: RealtimeEventType
  data: {
    monitorId?: string
    incidentId?: string
    probeId?: string
    groupId?: string
    tagId?: string
    to?: string
    [k: string]: unknown
  }
}

export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'closed'

/** The subset of the browser WebSocket the connection uses (a fake in tests). */
export interface SocketLike {
  readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number }) => void) | null
}

export interface RealtimeOptions {
  url: string
  /** The current access token; null when signed out. */
  token(): string | null
  /** Asked after an auth rejection (4401): renew the access token before the next attempt. */
  renew(): Promise<unknown>
  createSocket(url: string): SocketLike
  onEvents(events: RealtimeEvent[]): void
  /** After a reconnect: events may have been missed, refetch what is on screen. */
  onResync(): void
  onStatus(status: RealtimeStatus): void
  random?: () => number
  baseDelayMs?: number
  maxDelayMs?: number
}

const AUTH_REJECTED = 4401

/** Exponential backoff with full jitter: a random delay in [base·2ⁿ / 2, base·2ⁿ], capped. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** attempt)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** One live connection that authenticates with its first frame and reconnects until stopped. */
export function createRealtimeConnection(o: RealtimeOptions) {
  const random = o.random ?? Math.random
  const base = o.baseDelayMs ?? 1000
  const max = o.maxDelayMs ?? 30_000
  let socket: SocketLike | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let attempt = 0
  let running = false
  let everOpened = false

  function connect(): void {
    const token = o.token()
    if (!running || !token) return
    o.onStatus('connecting')
    const ws = o.createSocket(o.url)
    socket = ws
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }))
    ws.onmessage = (ev) => {
      let frame: { type?: string; events?: RealtimeEvent[] }
      try {
        frame = JSON.parse(String(ev.data)) as typeof frame
      } catch {
        return
      }
      if (frame.type === 'hello') {
        attempt = 0
        o.onStatus('open')
        if (everOpened) o.onResync()
        everOpened = true
      } else if (frame.type === 'batch' && Array.isArray(frame.events)) {
        o.onEvents(frame.events)
      }
    }
    ws.onclose = (ev) => {
      if (socket !== ws) return
      socket = null
      o.onStatus('closed')
      if (!running) return
      const delay = backoffDelay(attempt++, base, max, random)
      const retry = () => {
        timer = setTimeout(connect, delay)
      }
      if (ev.code === AUTH_REJECTED) void o.renew().then(retry, retry)
      else retry()
    }
  }

  return {
    start(): void {
      if (running) return
      running = true
      attempt = 0
      connect()
    },
    stop(): void {
      running = false
      clearTimeout(timer)
      const ws = socket
      socket = null
      ws?.close(1000, 'bye')
      o.onStatus('idle')
    },
  }
}
