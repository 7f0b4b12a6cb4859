import type { Monitor } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { csvField, monitorsToCsv } from './csv'
import {
  DEFAULT_STATE,
  initialState,
  isFiltered,
  parseListState,
  STORAGE_KEY,
  toQuery,
  toServerQuery,
} from './listState'

describe('monitor list URL state', () => {
  it.each([
    [{}, DEFAULT_STATE],
    [
      { q: 'api', status: 'down', kind: 'http', page: '3', size: '25' },
      { q: 'api', status: 'down', kind: 'http', group: null, tag: null, page: 3, size: 25 },
    ],
    [
      { group: ' g-1 ', tag: 'env:prod', size: '500' },
      { ...DEFAULT_STATE, group: 'g-1', tag: 'env:prod', size: 500 },
    ],
    [{ status: 'bogus', kind: 'nope', page: '-1', size: '33', group: '', tag: '  ' }, DEFAULT_STATE],
    [{ group: 'x'.repeat(65), tag: 't'.repeat(201) }, DEFAULT_STATE],
    [
      { status: ['up', 'down'], page: '2.5' },
      { ...DEFAULT_STATE, status: 'up' },
    ],
  ])('parses %j', (query, expected) => {
    expect(parseListState(query)).toEqual(expected)
  })

  it('round-trips and omits defaults', () => {
    expect(toQuery(DEFAULT_STATE)).toEqual({})
    const s = { q: ' db ', status: 'paused' as const, kind: null, group: 'none', tag: 'team:core', page: 2, size: 100 }
    expect(toQuery(s)).toEqual({ q: 'db', status: 'paused', group: 'none', tag: 'team:core', page: '2', size: '100' })
    expect(parseListState(toQuery(s) as Record<string, string>)).toEqual({ ...s, q: 'db' })
  })

  it('prefers the URL, then localStorage, and survives garbage', () => {
    const store = (v: string | null) => ({ getItem: (k: string) => (k === STORAGE_KEY ? v : null) })
    const saved = JSON.stringify({ q: 'x', status: 'down', group: 'g-2', tag: 'env:dev', size: 25 })
    expect(initialState({}, store(saved))).toMatchObject({
      q: 'x',
      status: 'down',
      group: 'g-2',
      tag: 'env:dev',
      size: 25,
    })
    expect(initialState({ status: 'up' }, store(saved))).toMatchObject({ q: '', status: 'up', group: null, size: 50 })
    expect(initialState({ tag: 'env:prod' }, store(saved))).toMatchObject({
      status: null,
      group: null,
      tag: 'env:prod',
    })
    expect(initialState({}, store('{not json'))).toEqual(DEFAULT_STATE)
  })

  it('sends every filter to the server, with limit/offset for the page', () => {
    expect(toServerQuery(DEFAULT_STATE)).toEqual({ limit: 50, offset: 0 })
    const s = {
      q: ' shop ',
      status: 'down' as const,
      kind: 'http' as const,
      group: 'g-1',
      tag: 'env:prod',
      page: 3,
      size: 25,
    }
    expect(toServerQuery(s)).toEqual({
      q: 'shop',
      limit: 25,
      offset: 50,
      status: 'down',
      kind: 'http',
      group_id: 'g-1',
      tag: 'env:prod',
    })
    expect(isFiltered(DEFAULT_STATE)).toBe(false)
    expect(isFiltered({ ...DEFAULT_STATE, page: 4, size: 100 })).toBe(false)
    expect(isFiltered({ ...DEFAULT_STATE, tag: 'critical' })).toBe(true)
    expect(isFiltered({ ...DEFAULT_STATE, group: 'none' })).toBe(true)
  })
})

describe('CSV export', () => {
  it('quotes and neutralises formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField(null)).toBe('')
    const csv = monitorsToCsv(
      [
        {
          id: '1',
          name: 'API',
          check_type: 'http',
          target: 'https://x',
          status: 'up',
          enabled: true,
          group_id: 'g1',
          tags: ['env:prod', 'critical'],
        },
        {
          id: '2',
          name: 'DB',
          check_type: 'tcp',
          target: 'db:5432',
          status: 'down',
          enabled: true,
          group_id: null,
          tags: [],
        },
      ] as unknown as Monitor[],
      { g1: 'Shop' },
    )
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe('id,name,check_type,target,status,enabled,last_response_time_ms,last_checked_at,group,tags')
    expect(lines[1]).toBe('1,API,http,https://x,up,true,,,Shop,"env:prod,critical"')
    expect(lines[2]).toBe('2,DB,tcp,db:5432,down,true,,,,')
  })
})
