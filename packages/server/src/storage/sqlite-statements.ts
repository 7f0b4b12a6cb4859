import type SQLite from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/**
 * better-sqlite3 as Kysely's SQLite dialect sees it, with two costs taken out of every query:
 * - statements are prepared once per SQL text (Kysely prepares on every call; a batch's state
 *   upserts and `in (…)` reads are the same text each time);
 * - rows come back as arrays (`raw` mode) and become objects in JS, through a constructor compiled
 *   once per statement. better-sqlite3 builds each row object property by property in C++, which
 *   profiled at ~0.45 µs a value: the evaluator's 300-row state read took 1.5–2 ms of it a batch.
 *
 * Rows are the same objects as before: one property per result column in column order, a later
 * duplicate name overwriting an earlier one. `iterate` (Kysely's streaming) prepares a statement of
 * its own, so a cached one is never busy while another query wants it.
 */
export function cachedStatements(h: SQLite.Database, capacity = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>()
  return {
    close: () => h.close(),
    prepare(sql) {
      const hit = cache.get(sql)
      if (hit) return hit
      const st = wrap(h, sql)
      // A schema change can change what `select *` returns: forget every statement, keep none of DDL.
      if (DDL.test(sql)) {
        cache.clear()
        return st
      }
      // Evicts the oldest entry; the statement is finalised when garbage collected.
      if (cache.size >= capacity) cache.delete(cache.keys().next().value as string)
      cache.set(sql, st)
      return st
    },
  }
}

type Row = Record<string, unknown>
const DDL = /^\s*(create|alter|drop)\b/i

function wrap(h: SQLite.Database, sql: string): SqliteStatement {
  const st = h.prepare(sql)
  const reader = st.reader
  let build: ((r: unknown[]) => Row) | null = null
  let width = 0
  const compile = () => {
    const names = st.columns().map((c) => c.name)
    width = names.length
    return rowBuilder(names)
  }
  if (reader) {
    st.raw(true)
    build = compile()
  }
  return {
    reader,
    all(parameters) {
      const rows = st.all(parameters) as unknown[][]
      if (!build) return rows
      // SQLite re-prepared the statement after a schema change made outside this wrapper.
      if (rows.length > 0 && (rows[0] as unknown[]).length !== width) build = compile()
      const out = new Array<Row>(rows.length)
      for (let i = 0; i < rows.length; i++) out[i] = build(rows[i] as unknown[])
      return out
    },
    run: (parameters) => st.run(parameters),
    iterate: (parameters) => h.prepare(sql).iterate(parameters),
  }
}

/** A row constructor for these column names: an object literal, so every row shares one shape. */
function rowBuilder(names: readonly string[]): (r: unknown[]) => Row {
  // Names are quoted with JSON.stringify: whatever a column is called, it is a string key here
  // (`__proto__` as a computed key, which defines a property instead of setting the prototype).
  const key = (n: string) => (n === '__proto__' ? `[${JSON.stringify(n)}]` : JSON.stringify(n))
  const body = `return {${names.map((n, i) => `${key(n)}: r[${i}]`).join(', ')}}`
  return new Function('r', body) as (r: unknown[]) => Row
}
