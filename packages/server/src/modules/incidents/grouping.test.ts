import { describe, expect, it } from 'vitest'
import { type GroupCandidate, pickGroup } from './grouping.js'

const T = 1_000_000
const c = (id: string, over: Partial<GroupCandidate> = {}): GroupCandidate => ({
  id,
  monitorId: `m-${id}`,
  scope: 'global',
  affected: ['p1'],
  groupId: null,
  startedAt: T - 30_000,
  ...over,
})
const incoming = (over: Partial<Parameters<typeof pickGroup>[0]> = {}) => ({
  monitorId: 'm-new',
  scope: 'global' as const,
  affected: ['p1'],
  startedAt: T,
  ancestors: new Set<string>(),
  ...over,
})

describe('pickGroup: one page per root cause', () => {
  it.each([
    ['nothing open: own incident', incoming(), [], null],
    ['a global outage moments ago: burst', incoming(), [c('a')], ['a', 'burst']],
    ['too long ago: separate', incoming(), [c('a', { startedAt: T - 5 * 60_000 })], null],
    [
      'an ancestor is down: dependency wins',
      incoming({ ancestors: new Set(['m-b']) }),
      [c('a'), c('b', { scope: 'regional' })],
      ['b', 'dependency'],
    ],
    [
      'regional with the same probes: probes',
      incoming({ scope: 'regional', affected: ['p2', 'p3'] }),
      [c('a', { scope: 'regional', affected: ['p3'] })],
      ['a', 'probes'],
    ],
    [
      'regional with other probes: separate',
      incoming({ scope: 'regional', affected: ['p2'] }),
      [c('a', { scope: 'regional', affected: ['p9'] })],
      null,
    ],
    ['regional does not join a global burst', incoming({ scope: 'regional' }), [c('a')], null],
    ['never with itself', incoming(), [c('x', { monitorId: 'm-new' })], null],
  ] as const)('%s', (_n, inc, cands, expected) => {
    const g = pickGroup(inc, cands)
    expect(g && [g.with.id, g.reason]).toEqual(expected)
  })
})
