import { type Kysely, sql } from 'kysely'
import { DAY_MS, dayStart } from './buckets.js'

/**
 * PostgreSQL only: raw results and their details are range-partitioned by `at` into one partition
 * per UTC day, so retention drops whole partitions (no dead rows, no vacuum debt). Partitions are
 * created ahead by the storage job and on demand at ingestion for late or early results.
 */
export const PARTITIONED_TABLES = ['ts_results', 'ts_result_details', 'ts_results_packed'] as const
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number]

export function partitionName(table: PartitionedTable, day: number): string {
  const d = new Date(dayStart(day))
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`
  return `${table}_p${ymd}`
}

/** Creates the day partitions (idempotent, safe when another replica races to create them). */
export async function createDayPartitions(
  db: Kysely<unknown>,
  days: Iterable<number>,
  tables: readonly PartitionedTable[] = PARTITIONED_TABLES,
): Promise<void> {
  for (const day of new Set([...days].map(dayStart))) {
    for (const table of tables) {
      try {
        await sql`create table if not exists ${sql.id(partitionName(table, day))} partition of ${sql.id(table)}
          for values from (${sql.lit(day)}) to (${sql.lit(day + DAY_MS)})`.execute(db)
      } catch (err) {
        // 42P07: created concurrently by someone else between the check and the create.
        if ((err as { code?: string }).code !== '42P07') throw err
      }
    }
  }
}

/** Existing day partitions of a table, oldest first. */
export async function listDayPartitions(
  db: Kysely<unknown>,
  table: PartitionedTable,
): Promise<{ name: string; day: number }[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname = ${table}`.execute(db)
  const out: { name: string; day: number }[] = []
  for (const { name } of rows) {
    const m = /_p(\d{4})(\d{2})(\d{2})$/.exec(name)
    if (m) out.push({ name, day: Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) })
  }
  return out.sort((a, b) => a.day - b.day)
}

export async function dropPartition(db: Kysely<unknown>, name: string): Promise<void> {
  await sql`drop table if exists ${sql.id(name)}`.execute(db)
}
