import { FakeClock, type ProbeMonitorConfig } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { monitor } from '../../test/helpers/monitor.js'
import { nextSlot, phaseOf } from './phase.js'
import { type RunInfo, Scheduler } from './scheduler.js'

const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Moves fake time in steps, letting promise callbacks (run completions) settle between steps. */
async function advance(clock: FakeClock, ms: number, step = 1000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done))
    await flush()
  }
}

interface Harness {
  clock: FakeClock
  scheduler: Scheduler
  runs: Array<RunInfo & { id: string }>
}

/** `duration(id)` of fake time per run; `hold` keeps runs open until released by hand. */
function harness(
  opts: {
    maxConcurrent?: number
    laneLimits?: Record<string, number>
    duration?: (id: string) => number
    hold?: Array<() => void>
  } = {},
): Harness {
  const clock = new FakeClock(T0)
  const runs: Harness['runs'] = []
  const scheduler = new Scheduler({
    clock,
    maxConcurrent: opts.maxConcurrent ?? 100,
    ...(opts.laneLimits ? { laneLimits: opts.laneLimits } : {}),
    execute: (m: ProbeMonitorConfig, run: RunInfo) => {
      // The run object itself: `urgent` may be set on it while it runs.
      runs.push(Object.assign(run, { id: m.id }))
      return new Promise<void>((resolve) => {
        if (opts.hold) opts.hold.push(resolve)
        else clock.setTimeout(resolve, opts.duration?.(m.id) ?? 0)
      })
    },
  })
  return { clock, scheduler, runs }
}

const startsOf = (h: Harness, id: string) => h.runs.filter((r) => r.id === id && !r.manual).map((r) => r.startedAt)

describe('scheduler', () => {
  it('runs each monitor on its own phase of its interval, in absolute time', async () => {
    const h = harness()
    h.scheduler.reconcile([
      monitor({ id: 'alpha', interval_seconds: 60 }),
      monitor({ id: 'beta', interval_seconds: 30 }),
    ])
    await advance(h.clock, 5 * 60_000)
    for (const [id, interval] of [
      ['alpha', 60_000],
      ['beta', 30_000],
    ] as const) {
      const starts = startsOf(h, id)
      expect(starts).toHaveLength((5 * 60_000) / interval)
      for (const t of starts) expect((t - phaseOf(id, interval)) % interval).toBe(0)
    }
    expect(phaseOf('alpha', 60_000)).not.toBe(phaseOf('beta', 60_000))
  })

  it('keeps one pending timer whatever the number of monitors', () => {
    const h = harness()
    h.scheduler.reconcile(Array.from({ length: 1000 }, (_, i) => monitor({ id: `m${i}`, interval_seconds: 60 })))
    expect(h.clock.pendingTimers()).toBe(1)
  })

  it('does not drift over simulated hours, whatever each run takes', async () => {
    const durations: Record<string, number> = { a: 7_300, b: 41_000, c: 200, d: 599_000 }
    const h = harness({ duration: (id) => durations[id] ?? 0 })
    const intervals: Record<string, number> = { a: 10, b: 45, c: 60, d: 600 }
    h.scheduler.reconcile(Object.entries(intervals).map(([id, s]) => monitor({ id, interval_seconds: s })))
    const hours = 3
    await advance(h.clock, hours * 3_600_000, 500)
    for (const [id, seconds] of Object.entries(intervals)) {
      const interval = seconds * 1000
      const first = nextSlot(T0, interval, phaseOf(id, interval))
      const expected = Array.from(
        { length: Math.floor((T0 + hours * 3_600_000 - first) / interval) + 1 },
        (_, k) => first + k * interval,
      )
      expect(startsOf(h, id), id).toEqual(expected)
    }
    expect(h.scheduler.stats()).toMatchObject({ skipped: 0, lagP50Ms: 0, lagP99Ms: 0 })
    // Every tick handled is accounted for, and the latest due time is the last run's.
    expect(h.scheduler.stats().ticks).toBe(h.runs.length)
    expect(h.scheduler.stats().lastDueAt).toBe(Math.max(...h.runs.map((r) => r.dueAt)))
  })

  it('with batchMs, starts the runs due within a window together at its end, never early', async () => {
    const clock = new FakeClock(T0)
    const runs: Array<RunInfo & { id: string }> = []
    const scheduler = new Scheduler({
      clock,
      maxConcurrent: 100,
      batchMs: 10,
      execute: async (m, run) => void runs.push({ ...run, id: m.id }),
    })
    scheduler.reconcile(Array.from({ length: 200 }, (_, i) => monitor({ id: `b${i}`, interval_seconds: 10 })))
    await advance(clock, 20_000, 5)
    // Two runs each, plus the third of any monitor whose grid lands exactly on the last instant.
    expect(runs.length).toBeGreaterThanOrEqual(400)
    for (const r of runs) {
      expect(r.startedAt % 10).toBe(0)
      expect(r.startedAt - r.dueAt).toBeGreaterThanOrEqual(0)
      expect(r.startedAt - r.dueAt).toBeLessThan(10)
    }
    // Fewer wake-ups than runs: that is the point.
    expect(new Set(runs.map((r) => r.startedAt)).size).toBeLessThan(runs.length)
  })

  it('skips a tick while the previous run is still in progress', async () => {
    const h = harness({ duration: () => 150_000 })
    h.scheduler.reconcile([monitor({ id: 'slow', interval_seconds: 60 })])
    await advance(h.clock, 10 * 60_000)
    const starts = startsOf(h, 'slow')
    // Runs at k = 0, 3, 6, 9: each run covers the next two ticks, which are skipped.
    expect(starts.map((t) => (t - starts[0]!) / 60_000)).toEqual([0, 3, 6, 9])
    expect(h.scheduler.stats()).toMatchObject({ skipped: 6, ticks: 10 })
  })

  it('respects the global concurrency limit with a FIFO queue and measures lag', async () => {
    const hold: Array<() => void> = []
    const h = harness({ maxConcurrent: 2, hold })
    const ids = ['q1', 'q2', 'q3', 'q4', 'q5']
    h.scheduler.reconcile(ids.map((id) => monitor({ id, interval_seconds: 60 })))
    await advance(h.clock, 60_000)
    const byDue = [...ids].sort((a, b) => phaseOf(a, 60_000) - phaseOf(b, 60_000))
    expect(h.scheduler.stats()).toMatchObject({ running: 2, queued: 3 })
    expect(h.runs.map((r) => r.id)).toEqual(byDue.slice(0, 2))
    hold.shift()!()
    await flush()
    expect(h.runs.map((r) => r.id)).toEqual(byDue.slice(0, 3))
    const third = h.runs[2]!
    expect(third.startedAt - third.dueAt).toBe(T0 + 60_000 - third.dueAt)
    for (const release of hold.splice(0)) release()
    await flush()
    for (const release of hold.splice(0)) release()
    await flush()
    expect(h.runs).toHaveLength(5)
    expect(h.scheduler.stats().lagP99Ms).toBeGreaterThan(0)
  })

  it('checkNow runs immediately and leaves the grid alone', async () => {
    const h = harness({ duration: () => 1_000 })
    h.scheduler.reconcile([monitor({ id: 'x', interval_seconds: 60 })])
    const phase = phaseOf('x', 60_000)
    // Pick a moment well away from x's own slot, so the manual run cannot collide with it.
    await advance(h.clock, (phase + 30_000) % 60_000 || 30_000)
    const at = h.clock.now()
    expect(h.scheduler.checkNow('x')).toBe('started')
    expect(h.runs.at(-1)).toMatchObject({ id: 'x', manual: true, startedAt: at })
    expect(h.scheduler.checkNow('unknown')).toBe('unknown')
    await advance(h.clock, 180_000)
    const starts = startsOf(h, 'x')
    expect(starts.length).toBeGreaterThanOrEqual(3)
    expect(starts.every((t) => (t - phase) % 60_000 === 0)).toBe(true)
    expect(h.runs.filter((r) => r.manual)).toHaveLength(1)
  })

  it('checkNow jumps ahead of queued runs', async () => {
    const hold: Array<() => void> = []
    const h = harness({ maxConcurrent: 1, hold })
    const ids = ['j1', 'j2', 'j3', 'j4']
    h.scheduler.reconcile(ids.map((id) => monitor({ id, interval_seconds: 60 })))
    await advance(h.clock, 60_000)
    expect(h.scheduler.stats()).toMatchObject({ running: 1, queued: 3 })
    const last = [...ids].sort((a, b) => phaseOf(b, 60_000) - phaseOf(a, 60_000))[0]!
    expect(h.scheduler.checkNow(last)).toBe('coalesced')
    hold.shift()!()
    await flush()
    expect(h.runs[1]).toMatchObject({ id: last, manual: true })
    // Its old place in the queue is skipped: it does not run a second time.
    for (let i = 0; i < 3; i++) {
      hold.shift()!()
      await flush()
    }
    expect(h.runs.map((r) => r.id).sort()).toEqual([...ids].sort())
    expect(h.scheduler.stats()).toMatchObject({ running: 0, queued: 0 })
  })

  it('coalesces check-now with a run in progress instead of starting a second one', async () => {
    const hold: Array<() => void> = []
    const h = harness({ hold })
    h.scheduler.reconcile([monitor({ id: 'busy', interval_seconds: 60 })])
    expect(h.scheduler.checkNow('busy')).toBe('started')
    expect(h.runs.at(-1)?.urgent).toBe(true)
    for (let i = 0; i < 5; i++) expect(h.scheduler.checkNow('busy')).toBe('coalesced')
    expect(h.runs).toHaveLength(1)
    hold.shift()!()
    await flush()
    expect(h.scheduler.checkNow('busy')).toBe('started')
    expect(h.runs).toHaveLength(2)
  })

  it('marks a scheduled run urgent when check-now joins it, so its result leaves at once', async () => {
    const hold: Array<() => void> = []
    const h = harness({ hold })
    h.scheduler.reconcile([monitor({ id: 'tick', interval_seconds: 60 })])
    await advance(h.clock, 60_000)
    const run = h.runs.at(-1)!
    expect(run).toMatchObject({ manual: false, urgent: false })
    expect(h.scheduler.checkNow('tick')).toBe('coalesced')
    expect(h.runs.at(-1)?.urgent).toBe(true)
  })

  it('bounds the browser lane separately, and a full lane does not hold back the others', async () => {
    const hold: Array<() => void> = []
    const h = harness({ maxConcurrent: 3, laneLimits: { browser: 1 }, hold })
    const scenarios = ['s1', 's2', 's3'].map((id) => ({ ...monitor({ id }), check_type: 'scenario' }))
    h.scheduler.reconcile([...scenarios, monitor({ id: 'web' })])
    for (const id of ['s1', 's2', 's3', 'web']) h.scheduler.checkNow(id)
    // One scenario runs (its lane's limit), the HTTP check is not stuck behind the other two.
    expect(h.runs.map((r) => r.id)).toEqual(['s1', 'web'])
    expect(h.scheduler.stats()).toMatchObject({ running: 2, queued: 2 })
    hold.shift()!()
    await flush()
    expect(h.runs.map((r) => r.id)).toEqual(['s1', 'web', 's2'])
  })

  it('backstop: a run that ignores its timeout is reported and frees its slot at timeout + 5 s', async () => {
    const clock = new FakeClock(T0)
    const overdue: Array<{ id: string; at: number }> = []
    let runs = 0
    const scheduler = new Scheduler({
      clock,
      maxConcurrent: 1,
      execute: () => {
        runs++
        return new Promise<void>(() => {})
      },
      backstop: { graceMs: 5000, onOverdue: (m) => overdue.push({ id: m.id, at: clock.now() }) },
    })
    scheduler.reconcile([monitor({ id: 'hung', interval_seconds: 3600, timeout_seconds: 3 })])
    expect(scheduler.checkNow('hung')).toBe('started')
    await advance(clock, 7000)
    expect(overdue).toEqual([])
    await advance(clock, 1000)
    expect(overdue).toEqual([{ id: 'hung', at: T0 + 8000 }])
    expect(scheduler.stats()).toMatchObject({ running: 0, overdue: 1 })
    expect(scheduler.checkNow('hung')).toBe('started')
    expect(runs).toBe(2)
    await advance(clock, 8000)
    await scheduler.stop()
    expect(clock.pendingTimers()).toBe(0)
  })

  it('reconciles: unchanged keeps timing, changed interval moves, vanished stops', async () => {
    const h = harness()
    const a = monitor({ id: 'a', interval_seconds: 60, custom_headers: { x: '1', y: '2' } })
    h.scheduler.reconcile([a, monitor({ id: 'b', interval_seconds: 60 })])
    await advance(h.clock, 90_000)
    const sameButReordered = { ...a, custom_headers: { y: '2', x: '1' } }
    expect(
      h.scheduler.reconcile([sameButReordered, monitor({ id: 'b', interval_seconds: 20 }), monitor({ id: 'c' })]),
    ).toEqual({
      added: 1,
      changed: 1,
      removed: 0,
    })
    expect(h.scheduler.reconcile([monitor({ id: 'b', interval_seconds: 20 })])).toEqual({
      added: 0,
      changed: 0,
      removed: 2,
    })
    const before = h.runs.length
    await advance(h.clock, 60_000)
    const later = h.runs.slice(before)
    expect(later.every((r) => r.id === 'b')).toBe(true)
    expect(later).toHaveLength(3)
    expect(later.every((r) => (r.startedAt - phaseOf('b', 20_000)) % 20_000 === 0)).toBe(true)
  })

  it('stops: no more runs, waits for running ones', async () => {
    const h = harness({ duration: () => 5_000 })
    h.scheduler.reconcile([monitor({ id: 's', interval_seconds: 10 })])
    await advance(h.clock, 10_000)
    const stopped = h.scheduler.stop()
    h.clock.advance(5_000)
    await stopped
    const count = h.runs.length
    await advance(h.clock, 60_000)
    expect(h.runs).toHaveLength(count)
    expect(h.clock.pendingTimers()).toBe(0)
  })
})
