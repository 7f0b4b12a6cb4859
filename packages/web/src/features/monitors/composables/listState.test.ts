import type { Monitor } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { csvField, monitorsToCsv } from './csv'
import { DEFAULT_STATE, initialState, matches, parseListState, STORAGE_KEY, toQuery } from './listState'

describe('monitor list URL state', () => {
  it.each([
    [{}, DEFAULT_STATE],
    [
      { q: 'api', status: 'down', kind: 'http', page: '3', size: '25' },
      { q: 'api', status: 'down', kind: 'http', page: 3, size: 25 },
    ],
    [{ status: 'bogus', kind: 'nope', page: '-1', size: '33' }, DEFAULT_STATE],
    [
      { status: ['up', 'down'], page: '2.5' },
      { ...DEFAULT_STATE, status: 'up' },
    ],
  ])('parses %j', (query, expected) => {
    expect(parseListState(query)).toEqual(expected)
  })

  it('round-trips and omits defaults', () => {
    expect(toQuery(DEFAULT_STATE)).toEqual({})
    const s = { q: ' db ', status: 'paused' as const, kind: null, page: 2, size: 100 }
    expect(toQuery(s)).toEqual({ q: 'db', status: 'paused', page: '2', size: '100' })
    expect(parseListState(toQuery(s) as Record<string, string>)).toEqual({ ...s, q: 'db' })
  })

  it('prefers the URL, then localStorage, and survives garbage', () => {
    const store = (v: string | null) => ({ getItem: (k: string) => (k === STORAGE_KEY ? v : null) })
    const saved = JSON.stringify({ q: 'x', status: 'down', kind: null, page: 1, size: 25 })
    expect(initialState({}, store(saved))).toMatchObject({ q: 'x', status: 'down', size: 25 })
    expect(initialState({ status: 'up' }, store(saved))).toMatchObject({ q: '', status: 'up', size: 50 })
    expect(initialState({}, store('{not json'))).toEqual(DEFAULT_STATE)
  })

  it('filters by status and kind', () => {
    const m = { status: 'down', check_type: 'tcp' } as Monitor
    expect(matches(m, { status: null, kind: null })).toBe(true)
    expect(matches(m, { status: 'down', kind: 'tcp' })).toBe(true)
    expect(matches(m, { status: 'up', kind: null })).toBe(false)
    expect(matches(m, { status: null, kind: 'http' })).toBe(false)
  })
})

describe('CSV export', () => {
  it('quotes and neutralises formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField(null)).toBe('')
    const csv = monitorsToCsv([
      { id: '1', name: 'API', check_type: 'http', target: 'https://x', status: 'up', enabled: true } as Monitor,
    ])
    expect(csv.split('\r\n')[1]).toBe('1,API,http,https://x,up,true,,')
  })
})
