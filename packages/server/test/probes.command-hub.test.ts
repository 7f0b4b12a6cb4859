import { FakeClock, type ProbeCommand } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { MemoryCommandHub } from '../src/modules/probes/command-hub.js'

const check = (monitor_id: string, request_id = 'r'): ProbeCommand => ({ type: 'check_now', monitor_id, request_id })
const changed: ProbeCommand = { type: 'config_changed' }

function hub(options: { maxQueue?: number; ttlMs?: number; presenceMs?: number } = {}) {
  const clock = new FakeClock(0)
  return { clock, hub: new MemoryCommandHub({ clock, ...options }) }
}

describe('in-process command hub', () => {
  it('answers at once with what is pending, else with the first command to arrive', async () => {
    const { hub: h } = hub()
    h.push('p1', check('a'))
    expect(await h.take('p1', 25_000)).toEqual([check('a')])
    const waiting = h.take('p1', 25_000)
    expect(h.waiting('p1')).toBe(1)
    h.push('p2', check('x'))
    h.push('p1', check('b'))
    expect(await waiting).toEqual([check('b')])
    expect(h.waiting('p1')).toBe(0)
    expect(await h.take('p2', 0)).toEqual([check('x')])
  })

  it('gives every waiting poll of a probe a copy (a stale connection must not swallow it)', async () => {
    const { hub: h } = hub()
    const first = h.take('p1', 25_000)
    const second = h.take('p1', 25_000)
    h.push('p1', changed)
    expect(await Promise.all([first, second])).toEqual([[changed], [changed]])
    expect(await h.take('p1', 0)).toEqual([])
  })

  it('answers empty when the wait runs out or the poll goes away', async () => {
    const { clock, hub: h } = hub()
    const timed = h.take('p1', 25_000)
    clock.advance(25_000)
    expect(await timed).toEqual([])
    const gone = new AbortController()
    const aborted = h.take('p1', 25_000, gone.signal)
    gone.abort()
    expect(await aborted).toEqual([])
    expect(h.waiting('p1')).toBe(0)
    expect(clock.pendingTimers()).toBe(0)
  })

  it('keeps one pending command per intent, drops stale ones, and bounds the queue', async () => {
    const { clock, hub: h } = hub({ maxQueue: 3, ttlMs: 60_000 })
    h.push('p1', changed)
    h.push('p1', check('a', 'r1'))
    h.push('p1', changed)
    h.push('p1', check('a', 'r2'))
    expect(await h.take('p1', 0)).toEqual([changed, check('a', 'r2')])

    h.push('p1', check('old'))
    clock.advance(60_000)
    h.push('p1', check('b'))
    expect(await h.take('p1', 0)).toEqual([check('b')])

    for (const id of ['1', '2', '3', '4', '5']) h.push('p1', check(id))
    expect(await h.take('p1', 0)).toEqual([check('3'), check('4'), check('5')])
  })

  it('broadcasts to probes that polled recently, not to ones long gone', async () => {
    const { clock, hub: h } = hub({ presenceMs: 120_000 })
    await h.take('old', 0)
    clock.advance(200_000)
    await h.take('recent', 0)
    const waiting = h.take('live', 25_000)
    h.broadcast(changed)
    expect(await waiting).toEqual([changed])
    expect(await h.take('recent', 0)).toEqual([changed])
    expect(await h.take('old', 0)).toEqual([])
  })

  it('close() answers every waiting poll and refuses new commands', async () => {
    const { hub: h } = hub()
    const waiting = [h.take('p1', 25_000), h.take('p2', 25_000)]
    h.close()
    expect(await Promise.all(waiting)).toEqual([[], []])
    h.push('p1', changed)
    expect(await h.take('p1', 25_000)).toEqual([])
  })
})
