import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { cachedStatements } from '../src/storage/sqlite-statements.js'

/**
 * The SQLite statement layer under Kysely (storage/sqlite-statements.ts): cached statements and rows
 * built in JS from raw arrays must return exactly what better-sqlite3's own row objects hold.
 */
describe('cached SQLite statements', () => {
  const open: SQLite.Database[] = []
  afterEach(() => {
    for (const h of open.splice(0)) if (h.open) h.close()
  })

  function setup() {
    const h = new SQLite(':memory:')
    open.push(h)
    h.exec(`create table t (id integer primary key, name text, score real, data blob, big integer);
      create table u (id integer primary key, t_id integer, name text);
      insert into t values (1, 'a', 1.5, x'0102', 9007199254740991), (2, null, null, null, -3);
      insert into u values (10, 1, 'u-a'), (11, 2, 'u-b');`)
    const db = new Kysely<Record<string, Record<string, unknown>>>({
      dialect: new SqliteDialect({ database: cachedStatements(h, 4) }),
    })
    return { h, db }
  }

  it('returns the rows better-sqlite3 returns, for any select', async () => {
    const { h, db } = setup()
    const queries = [
      'select * from t order by id',
      // Two columns named the same: the later one wins, as in better-sqlite3's objects.
      'select t.*, u.* from t join u on u.t_id = t.id order by t.id',
      'select id as "x", name as "a b", score as "1" from t order by id',
      'select count(*) as n, sum(score) as s from t where id > 5',
      'select \'x\' as "quote""d"',
    ]
    for (const q of queries) {
      const want = h.prepare(q).all()
      for (let i = 0; i < 2; i++) {
        const got = (await sql.raw(q).execute(db)).rows
        expect(got, q).toEqual(want)
      }
    }
    // better-sqlite3 sets such a row's prototype; here it is a plain own property.
    const proto = (await sql.raw<Record<string, unknown>>('select id as "__proto__" from t where id = 1').execute(db))
      .rows[0]!
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype)
    expect(Object.keys(proto)).toEqual(['__proto__'])
  })

  it('writes report their changes and returning rows come back as objects', async () => {
    const { db } = setup()
    const r = await db.insertInto('t').values({ id: 3, name: 'c' }).executeTakeFirst()
    expect(r.insertId).toBe(3n)
    const up = await db.updateTable('t').set({ score: 2 }).where('id', '>=', 2).executeTakeFirst()
    expect(up.numUpdatedRows).toBe(2n)
    const back = await db.deleteFrom('t').where('id', '=', 3).returning(['id', 'name']).execute()
    expect(back).toEqual([{ id: 3, name: 'c' }])
  })

  it('sees a schema change: select * after a column is added or dropped, through Kysely or not', async () => {
    const { h, db } = setup()
    const all = () => db.selectFrom('t').selectAll().where('id', '=', 1).executeTakeFirstOrThrow()
    expect(Object.keys(await all())).toEqual(['id', 'name', 'score', 'data', 'big'])
    await db.schema
      .alterTable('t')
      .addColumn('extra', 'text', (c) => c.defaultTo('e'))
      .execute()
    expect(await all()).toMatchObject({ id: 1, extra: 'e' })
    // Outside Kysely: the cached statement is re-prepared by SQLite with another width.
    h.exec('alter table t drop column extra')
    expect(Object.keys(await all())).toEqual(['id', 'name', 'score', 'data', 'big'])
  })

  it('keeps a bounded number of statements, and streams', async () => {
    const { db } = setup()
    // More distinct statements than the cache holds: evicted ones are prepared again.
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 10; i++) {
        const r = await sql.raw<{ v: number }>(`select ${i} as v`).execute(db)
        expect(r.rows).toEqual([{ v: i }])
      }
    // Streaming uses a statement of its own (object rows); the cached one serves the same text after.
    const q = () => db.selectFrom('t').select(['id', 'name']).orderBy('id')
    expect(await q().execute()).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: null },
    ])
    const seen: unknown[] = []
    for await (const row of q().stream()) seen.push(row)
    expect(seen).toEqual(await q().execute())
  })
})
