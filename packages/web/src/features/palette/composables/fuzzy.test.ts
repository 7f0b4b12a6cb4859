import { describe, expect, it } from 'vitest'
import { fuzzyFilter, fuzzyScore } from './fuzzy'

describe('fuzzy matching', () => {
  it.each([
    ['api', 'Public API', true],
    ['pap', 'Public API', true],
    ['gtm', 'Go to monitors', true],
    ['xyz', 'Public API', false],
    ['ipa', 'Public API', false],
    ['', 'anything', true],
  ])('%s in %s → %s', (q, text, ok) => {
    expect(fuzzyScore(q, text) !== null).toBe(ok)
  })

  it('ranks prefixes and contiguous matches first', () => {
    const items = ['Database backup', 'Dashboard API', 'go to dashboard', 'Payments DB']
    expect(fuzzyFilter('dash', items, (s) => s)).toEqual(['Dashboard API', 'go to dashboard'])
    expect(fuzzyFilter('db', items, (s) => s)[0]).toBe('Payments DB')
  })

  it('is case-insensitive and caps results', () => {
    const items = Array.from({ length: 100 }, (_, i) => `Monitor ${i}`)
    expect(fuzzyFilter('MON', items, (s) => s, 10)).toHaveLength(10)
  })
})
