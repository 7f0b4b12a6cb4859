import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { byteaArray, numArray, textArray } from '../src/storage/repositories/pg-arrays.js'
import { PG_ADMIN_URL } from './helpers.js'

const TEXTS = ['a"b', 'c\\d', '', 'NULL', 'x,y{}', 'é ☃\n\t', ' lead', '"', '\\']
const BYTES = [Buffer.from([1, 2]), null, Buffer.alloc(0), Buffer.from([0, 255, 92, 34, 123, 44])]
const NUMS = [1, null, -3, 1.5e-7, 9007199254740991, 0.1 + 0.2, 0]

/** The array literals ingestion sends to PostgreSQL (storage/repositories/pg-arrays.ts). */
describe('PostgreSQL array literals', () => {
  it('spells elements, NULL and escapes as the array syntax wants', () => {
    expect(numArray([])).toBe('{}')
    expect(numArray([1, null, -3, 2.5])).toBe('{1,NULL,-3,2.5}')
    expect(byteaArray([Buffer.from([1, 171]), null])).toBe('{"\\\\x01ab",NULL}')
    expect(textArray(['a"b', 'c\\d'])).toBe('{"a\\"b","c\\\\d"}')
  })

  it.runIf(PG_ADMIN_URL)('round-trips through PostgreSQL unchanged', async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL })
    await c.connect()
    try {
      const { rows } = await c.query('select $1::text[] t, $2::bytea[] b, $3::float8[] f, $4::int8[] i', [
        textArray(TEXTS),
        byteaArray(BYTES),
        numArray(NUMS),
        numArray([1, null, -3, 9007199254740991]),
      ])
      expect(rows[0].t).toEqual(TEXTS)
      expect(rows[0].b).toEqual(BYTES)
      expect(rows[0].f).toEqual(NUMS)
      expect(rows[0].i).toEqual(['1', null, '-3', '9007199254740991'])
    } finally {
      await c.end()
    }
  })
})
