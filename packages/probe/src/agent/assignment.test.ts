import { FakeClock, type HeartbeatResponse } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { T0 } from '../../test/helpers/results.js'
import type { ApiAnswer, ProbeApi } from './api.js'
import { AssignmentLoop, MIN_PULL_SPACING_MS } from './assignment.js'

const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A server whose heartbeat answers are released by hand, so "in flight" can be held open. */
function harness() {
  const clock = new FakeClock(T0)
  const pending: Array<() => void> = []
  let beats = 0
  const answer = (): ApiAnswer => {
    const body: HeartbeatResponse = {
      probe: { id: 'p', name: 'p', network_type: 'external' },
      config_version: 'v1',
      monitors: [],
      heartbeat_interval_seconds: 30,
      server_time: clock.now(),
    }
    return { status: 200, body }
  }
  const api: ProbeApi = {
    heartbeat: () => {
      beats++
      return new Promise((resolve) => pending.push(() => resolve(answer())))
    },
    postResults: () => Promise.reject(new Error('unused')),
    commands: () => Promise.reject(new Error('unused')),
    postDiagnostics: () => Promise.reject(new Error('unused')),
    close: () => {},
  }
  const loop = new AssignmentLoop({ api, clock, intervalMs: 30_000, health: () => ({}), onAnswer: () => {} })
  const release = async () => {
    for (const r of pending.splice(0)) r()
    await flush()
  }
  return { clock, loop, release, beats: () => beats }
}

describe('assignment pulls on demand', () => {
  it('pulls at once after a quiet spell, and at most once per second in a burst', async () => {
    const h = harness()
    h.loop.start()
    await h.release()
    expect(h.beats()).toBe(1)
    h.clock.advance(5000)
    h.loop.pullNow()
    expect(h.beats()).toBe(2)
    await h.release()
    for (let i = 0; i < 10; i++) h.loop.pullNow()
    expect(h.beats()).toBe(2)
    h.clock.advance(MIN_PULL_SPACING_MS)
    expect(h.beats()).toBe(3)
    await h.release()
    await h.loop.stop()
  })

  it('a change announced during a pull in flight leads to exactly one more pull', async () => {
    const h = harness()
    h.loop.start()
    h.loop.pullNow()
    h.loop.pullNow()
    expect(h.beats()).toBe(1)
    await h.release()
    h.clock.advance(MIN_PULL_SPACING_MS)
    expect(h.beats()).toBe(2)
    await h.release()
    h.clock.advance(10_000)
    expect(h.beats()).toBe(2)
    h.clock.advance(20_000)
    expect(h.beats()).toBe(3)
    await h.release()
    await h.loop.stop()
  })
})
