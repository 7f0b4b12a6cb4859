import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, createRealtimeConnection, type RealtimeEvent, type SocketLike } from './realtime'

class FakeSocket implements SocketLike {
  readyState = 0
  sent: string[] = []
  closedWith: number | null = null
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: { code: number }) => void) | null = null
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data)
  }
  close(code = 1000) {
    this.closedWith = code
  }
  // server side
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  frame(f: unknown) {
    this.onmessage?.({ data: JSON.stringify(f) })
  }
  drop(code = 1006) {
    this.onclose?.({ code })
  }
}

function setup(token: string | null = 'tok') {
  const sockets: FakeSocket[] = []
  const events: RealtimeEvent[][] = []
  const statuses: string[] = []
  const resync = vi.fn()
  const renew = vi.fn(async () => undefined)
  const conn = createRealtimeConnection({
    url: 'ws://x/api/v1/ws',
    token: () => token,
    renew,
    createSocket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    onEvents: (e) => events.push(e),
    onResync: resync,
    onStatus: (s) => statuses.push(s),
    random: () => 0.5,
    baseDelayMs: 1000,
    maxDelayMs: 8000,
  })
  return { conn, sockets, events, statuses, resync, renew }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('realtime connection', () => {
  it('authenticates with the first frame, never in the URL', () => {
    const { conn, sockets, statuses } = setup()
    conn.start()
    expect(sockets[0]?.url).toBe('ws://x/api/v1/ws')
    sockets[0]?.open()
    expect(sockets[0]?.sent).toEqual([JSON.stringify({ type: 'auth', token: 'tok' })])
    sockets[0]?.frame({ type: 'hello' })
    expect(statuses).toEqual(['connecting', 'open'])
  })

  it('delivers batches to the listener', () => {
    const { conn, sockets, events } = setup()
    conn.start()
    sockets[0]?.open()
    sockets[0]?.frame({ type: 'hello' })
    sockets[0]?.frame({
      type: 'batch',
      events: [{ type: 'MonitorStateChanged', data: { monitorId: 'm1', to: 'down' } }],
    })
    expect(events).toEqual([[{ type: 'MonitorStateChanged', data: { monitorId: 'm1', to: 'down' } }]])
  })

  it('reconnects with growing backoff and resyncs after a reconnect', () => {
    const { conn, sockets, resync } = setup()
    conn.start()
    sockets[0]?.open()
    sockets[0]?.frame({ type: 'hello' })
    expect(resync).not.toHaveBeenCalled()
    sockets[0]?.drop()
    vi.advanceTimersByTime(749)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(2)
    sockets[1]?.drop() // second failure: 2000 ms ceiling → 1500 ms with random 0.5
    vi.advanceTimersByTime(1499)
    expect(sockets).toHaveLength(2)
    vi.advanceTimersByTime(1)
    sockets[2]?.open()
    sockets[2]?.frame({ type: 'hello' })
    expect(resync).toHaveBeenCalledTimes(1)
  })

  it('renews the token after an auth rejection', async () => {
    const { conn, sockets, renew } = setup()
    conn.start()
    sockets[0]?.drop(4401)
    expect(renew).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(750)
    expect(sockets).toHaveLength(2)
  })

  it('stops for good and does not connect without a token', () => {
    const a = setup()
    a.conn.start()
    a.conn.stop()
    expect(a.sockets[0]?.closedWith).toBe(1000)
    vi.advanceTimersByTime(60_000)
    expect(a.sockets).toHaveLength(1)
    const b = setup(null)
    b.conn.start()
    expect(b.sockets).toHaveLength(0)
  })

  it('caps the backoff and jitters within [ceiling/2, ceiling]', () => {
    expect(backoffDelay(10, 1000, 30_000, () => 0)).toBe(15_000)
    expect(backoffDelay(10, 1000, 30_000, () => 1)).toBe(30_000)
    expect(backoffDelay(0, 1000, 30_000, () => 0)).toBe(500)
  })
})
