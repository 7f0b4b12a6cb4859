import { describe, expect, it } from 'vitest'
import { type GroupCandidate, pickGroup } from './grouping.js'

const T = 1_000_000
const c = (id: string, over: Partial<GroupCandidate> = {}): GroupCandidate => ({
  id,
  monitorId: `m-${id}`,
  monitorGroupId: null,
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
  const inGroup = (size: number) => ({ monitorGroup: { id: 'g', size } })
  it.each([
    ['nothing open: own incident', incoming(), [], null],
    ['a global outage on the same probes 30 s ago: probes', incoming(), [c('a')], ['a', 'probes']],
    ['same probes but 2 min ago: separate (90 s window)', incoming(), [c('a', { startedAt: T - 120_000 })], null],
    ['global on other probes: separate', incoming(), [c('a', { affected: ['p9'] })], null],
    [
      'two server-judged outages (no probes) within 90 s: probes',
      incoming({ affected: [] }),
      [c('a', { affected: [] })],
      ['a', 'probes'],
    ],
    ['server-judged and probe-judged: separate', incoming({ affected: [] }), [c('a')], null],
    [
      'an ancestor is down: dependency wins',
      incoming({ ancestors: new Set(['m-b']) }),
      [c('a'), c('b', { scope: 'regional' })],
      ['b', 'dependency'],
    ],
    [
      'an ancestor down 4 min ago still counts (5 min window)',
      incoming({ ancestors: new Set(['m-b']) }),
      [c('b', { startedAt: T - 4 * 60_000, affected: ['p9'] })],
      ['b', 'dependency'],
    ],
    [
      'an ancestor down 6 min ago: separate',
      incoming({ ancestors: new Set(['m-b']) }),
      [c('b', { startedAt: T - 6 * 60_000, affected: ['p9'] })],
      null,
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
    ['regional does not join a global outage', incoming({ scope: 'regional' }), [c('a')], null],
    [
      'half of a 4-monitor group down within 2 min: monitor_group',
      incoming({ ...inGroup(4), affected: ['p5'] }),
      [c('a', { monitorGroupId: 'g', affected: ['p9'], startedAt: T - 100_000 })],
      ['a', 'monitor_group'],
    ],
    [
      'a third of a 6-monitor group: separate',
      incoming({ ...inGroup(6), affected: ['p5'] }),
      [c('a', { monitorGroupId: 'g', affected: ['p9'] })],
      null,
    ],
    [
      'half of the group but one opened 3 min ago: separate',
      incoming({ ...inGroup(4), affected: ['p5'] }),
      [c('a', { monitorGroupId: 'g', affected: ['p9'], startedAt: T - 3 * 60_000 })],
      null,
    ],
    [
      'other groups do not count',
      incoming({ ...inGroup(2), affected: ['p5'] }),
      [c('a', { monitorGroupId: 'other', affected: ['p9'] })],
      null,
    ],
    ['a one-monitor group never groups by itself', incoming({ ...inGroup(1), affected: ['p5'] }), [], null],
    ['never with itself', incoming(), [c('x', { monitorId: 'm-new' })], null],
  ] as const)('%s', (_n, inc, cands, expected) => {
    const g = pickGroup(inc, cands)
    expect(g && [g.with.id, g.reason]).toEqual(expected)
  })
})
