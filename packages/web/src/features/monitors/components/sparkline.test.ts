import { describe, expect, it } from 'vitest'
import { sparkPath } from './sparkline'

describe('sparkline path', () => {
  it('scales values into the box, highest at the top', () => {
    expect(sparkPath([10, 20, 30], 20, 10, 1)).toEqual({ d: 'M0 9L10 5L20 1', min: 10, max: 30 })
  })
  it('breaks the line at hours without data and keeps lone points visible', () => {
    expect(sparkPath([10, 20, null, 20], 30, 10, 1).d).toBe('M0 9L10 1M30 1h0')
    expect(sparkPath([null, 5, null], 20, 10, 1).d).toBe('M10 5h0')
  })
  it('draws a flat line through the middle when every hour is equal', () => {
    expect(sparkPath([7, 7], 10, 10).d).toBe('M0 5L10 5')
  })
  it('has no path without data', () => {
    expect(sparkPath([null, null], 10, 10)).toEqual({ d: '', min: null, max: null })
    expect(sparkPath([], 10, 10).d).toBe('')
  })
})
