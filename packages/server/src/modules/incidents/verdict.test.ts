import { describe, expect, it } from 'vitest'
import { applyResult, deriveStatus, type ProbeView } from './verdict.js'

const view = (probeId: string, status: ProbeView['status'], checkedAt: number): ProbeView => ({
  probeId,
  status,
  checkedAt,
  since: checkedAt,
  consecutiveFailures: status === 'down' ? 1 : 0,
  consecutiveSuccesses: status === 'down' ? 0 : 1,
})

describe('applyResult', () => {
  it('counts streaks and keeps the start of the current status', () => {
    const a = applyResult(undefined, 'p1', 'down', 1000)!
    const b = applyResult(a, 'p1', 'down', 2000)!
    expect(b).toMatchObject({ consecutiveFailures: 2, consecutiveSuccesses: 0, since: 1000, checkedAt: 2000 })
    const c = applyResult(b, 'p1', 'up', 3000)!
    expect(c).toMatchObject({ consecutiveFailures: 0, consecutiveSuccesses: 1, since: 3000 })
  })

  it('ignores results not newer than the current view (late replays)', () => {
    const a = applyResult(undefined, 'p1', 'up', 5000)!
    expect(applyResult(a, 'p1', 'down', 4000)).toBeNull()
    expect(applyResult(a, 'p1', 'down', 5000)).toBeNull()
  })
})

describe('deriveStatus', () => {
  const now = 1_000_000
  it.each([
    { name: 'no views', views: [], expected: 'unknown' },
    { name: 'only stale views', views: [view('a', 'down', now - 200_000)], expected: 'unknown' },
    { name: 'single probe up', views: [view('a', 'up', now)], expected: 'up' },
    { name: 'single probe down', views: [view('a', 'down', now)], expected: 'down' },
    { name: 'all probes down', views: [view('a', 'down', now), view('b', 'down', now - 1000)], expected: 'down' },
    { name: 'one of two down', views: [view('a', 'down', now), view('b', 'up', now)], expected: 'degraded' },
    { name: 'degraded view', views: [view('a', 'degraded', now), view('b', 'up', now)], expected: 'degraded' },
    { name: 'stale down ignored', views: [view('a', 'down', now - 500_000), view('b', 'up', now)], expected: 'up' },
  ] as const)('$name → $expected', ({ views, expected }) => {
    expect(deriveStatus(views, now, 60)).toBe(expected)
  })
})
