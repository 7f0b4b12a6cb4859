import type { MonitorStatus } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { type CompositeRule, compositeVerdict, type MemberState } from '../src/modules/composite/index.js'

/** Members named a, b, c… from their states, weight 1 unless given as `down:3`. */
const members = (spec: string): MemberState[] =>
  spec
    .split(' ')
    .filter(Boolean)
    .map((s, i) => {
      const [status, weight] = s.split(':')
      return {
        name: String.fromCharCode(97 + i),
        role: null,
        weight: Number(weight ?? 1),
        status: status as MonitorStatus,
      }
    })

describe('composite rules, by table of member states', () => {
  it.each<[CompositeRule, string, number | null, string]>([
    // rule, members, degraded_below_percent, expected
    ['all_up', 'up up up', null, 'up'],
    ['all_up', 'up up down', null, 'down'],
    ['all_up', 'up degraded up', null, 'degraded'],
    ['all_up', 'up paused unknown', null, 'up'],
    ['all_up', 'paused unknown', null, 'unknown'],
    ['all_up', '', null, 'unknown'],
    ['any_up', 'down down up', null, 'up'],
    ['any_up', 'down down down', null, 'down'],
    ['any_up', 'down degraded', null, 'degraded'],
    ['any_up', 'up down', 75, 'degraded'],
    ['any_up', 'up up up down', 75, 'up'],
    ['any_up', 'up up down down', 75, 'degraded'],
    ['majority_up', 'up up down', null, 'up'],
    ['majority_up', 'up down', null, 'down'],
    ['majority_up', 'up up down down', null, 'down'],
    ['majority_up', 'up up up down down', 90, 'degraded'],
    ['majority_up', 'up up down unknown', null, 'up'],
    ['weighted_up', 'up:3 down down', null, 'up'],
    ['weighted_up', 'up:2 down:2', null, 'down'],
    ['weighted_up', 'down:5 up up up', null, 'down'],
    ['weighted_up', 'up:5 up down:4', 80, 'degraded'],
    ['weighted_up', 'up:9 down:1', 80, 'up'],
    ['weighted_up', 'up:1 paused:50 down:1', null, 'down'],
  ])('%s of [%s] (degraded below %s %%) is %s', (rule, spec, threshold, expected) => {
    expect(compositeVerdict(rule, threshold, members(spec)).status).toBe(expected)
  })

  it('names the members that are down (with their role) when it is down', () => {
    const list: MemberState[] = [
      { name: 'db-1', role: 'primary', weight: 1, status: 'down' },
      { name: 'db-2', role: null, weight: 1, status: 'down' },
      { name: 'db-3', role: null, weight: 1, status: 'up' },
    ]
    expect(compositeVerdict('majority_up', null, list)).toEqual({
      status: 'down',
      cause: 'Members down (2 of 3): db-1 (primary), db-2',
      upShare: (1 / 3) * 100,
    })
    expect(compositeVerdict('any_up', null, list).cause).toBeNull()
  })
})
