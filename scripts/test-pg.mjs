// The PostgreSQL suite: the server's storage contract and API tests again, on a real PostgreSQL
// server. Each test file creates (and drops) its own fresh database. Fails, never skips, when
// PostgreSQL is unreachable or when no test ran.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import pg from 'pg'

const url =
  process.env.WIU_TEST_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
try {
  await client.connect()
  const { rows } = await client.query('select version()')
  console.log(`PostgreSQL suite against ${url.replace(/:[^:@/]*@/, ':***@')}: ${rows[0].version}`)
  await client.end()
} catch (err) {
  console.error(`PostgreSQL is not reachable at ${url}: ${err.message}`)
  console.error('Start it (see README, "Tests") or set WIU_TEST_PG_URL.')
  process.exit(1)
}

const report = '.vitest-results-pg.json'
rmSync(report, { force: true })
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'server', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  { stdio: 'inherit', env: { ...process.env, WIU_TEST_PG_URL: url } },
)
if (run.status !== 0) process.exit(run.status ?? 1)
const result = JSON.parse(readFileSync(report, 'utf8'))
if (!result.numPassedTests || result.numPendingTests > 0 || result.numTodoTests > 0) {
  console.error(`PostgreSQL suite incomplete: ${result.numPassedTests} passed, ${result.numPendingTests} skipped`)
  process.exit(1)
}
console.log(`PostgreSQL suite: ${result.numPassedTests} passed, ${result.numFailedTests} failed`)
