import type { ColumnDataType } from 'kysely'

/**
 * The few places where SQLite and PostgreSQL differ. Everything else (queries, upserts with
 * ON CONFLICT, partial indexes) is written once against Kysely.
 */
export interface Dialect {
  name: 'sqlite' | 'postgres'
  bigint: ColumnDataType
  double: ColumnDataType
  autoIncrementPk: ColumnDataType
  /** Binary values (histograms, packed timings): Buffer on both drivers. */
  blob: ColumnDataType
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  bigint: 'bigint',
  double: 'real',
  autoIncrementPk: 'integer',
  blob: 'blob',
}
export const postgresDialect: Dialect = {
  name: 'postgres',
  bigint: 'bigint',
  double: 'double precision',
  autoIncrementPk: 'bigserial',
  blob: 'bytea',
}
