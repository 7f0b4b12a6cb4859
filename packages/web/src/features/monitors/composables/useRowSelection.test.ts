import { describe, expect, it } from 'vitest'
import { rangeIds } from './useRowSelection'

const IDS = ['a', 'b', 'c', 'd', 'e']

describe('rangeIds', () => {
  it.each([
    { anchor: 'b', id: 'd', range: true, out: ['b', 'c', 'd'] },
    { anchor: 'd', id: 'b', range: true, out: ['b', 'c', 'd'] },
    { anchor: 'c', id: 'c', range: true, out: ['c'] },
    { anchor: 'a', id: 'e', range: false, out: ['e'] },
    // No anchor yet, or one that left the page: a plain click.
    { anchor: null, id: 'c', range: true, out: ['c'] },
    { anchor: 'z', id: 'c', range: true, out: ['c'] },
  ])('$anchor → $id (range $range): $out', ({ anchor, id, range, out }) => {
    expect(rangeIds(IDS, anchor, id, range)).toEqual(out)
  })
})
