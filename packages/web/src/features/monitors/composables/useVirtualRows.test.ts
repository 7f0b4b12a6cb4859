import { describe, expect, it } from 'vitest'
import { rowWindow, scrollTopFor } from './useVirtualRows'

describe('row window', () => {
  const base = { count: 500, rowHeight: 40, viewportHeight: 200, overscan: 2 }
  it.each([
    // At the top: 5 rows in view, plus 2 below.
    [
      { ...base, scrollTop: 0 },
      { start: 0, end: 7, padTop: 0, padBottom: 493 * 40 },
    ],
    // Scrolled by 10 rows: 2 above, rows 10–14 in view, 2 below.
    [
      { ...base, scrollTop: 400 },
      { start: 8, end: 17, padTop: 320, padBottom: 483 * 40 },
    ],
    // Half a row scrolled: the partly visible rows count.
    [
      { ...base, scrollTop: 420 },
      { start: 8, end: 18, padTop: 320, padBottom: 482 * 40 },
    ],
    // At the very end (and past it, as a shrinking list leaves the scroller): clamped.
    [
      { ...base, scrollTop: 19_800 },
      { start: 493, end: 500, padTop: 493 * 40, padBottom: 0 },
    ],
    [
      { ...base, scrollTop: 99_999 },
      { start: 497, end: 500, padTop: 497 * 40, padBottom: 0 },
    ],
    // Short lists render whole; empty ones render nothing.
    [
      { ...base, count: 3, scrollTop: 0 },
      { start: 0, end: 3, padTop: 0, padBottom: 0 },
    ],
    [
      { ...base, count: 0, scrollTop: 0 },
      { start: 0, end: 0, padTop: 0, padBottom: 0 },
    ],
    // Negative (elastic) scroll and a zero-height viewport still give a sane window.
    [
      { ...base, scrollTop: -50, viewportHeight: 0 },
      { start: 0, end: 3, padTop: 0, padBottom: 497 * 40 },
    ],
  ])('%j', (input, expected) => {
    const w = rowWindow(input)
    expect(w).toEqual(expected)
    // The spacers and the rendered rows always add up to the full list height.
    expect(w.padTop + (w.end - w.start) * input.rowHeight + w.padBottom).toBe(
      Math.max(0, input.count) * input.rowHeight,
    )
  })

  it.each([
    // Already fully visible: no scroll.
    [4, 0, 0, 0],
    [5, 60, 0, 60],
    // Above the view: align its top.
    [3, 400, 0, 120],
    // Below the view: align its bottom (a 36 px sticky header covers the top of the viewport).
    [10, 0, 36, 440 + 36 - 200],
    [4, 0, 36, 36],
  ])('scrollTopFor row %i from %i (header %i) → %i', (index, scrollTop, header, expected) => {
    expect(scrollTopFor(index, 40, scrollTop, 200, header)).toBe(expected)
  })
})
