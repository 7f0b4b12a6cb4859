import { readFileSync } from 'node:fs'
import { type Clock, systemClock } from '@whatisup/shared'
import { type Logger, pino } from 'pino'
import type { Config } from '../config/config.js'
import { openDatabase } from '../storage/db.js'
import { createRepos } from '../storage/repositories/index.js'
import type { Deps } from './deps.js'
import { EventBus } from './events.js'
import { KeyedMutex } from './keyed-mutex.js'
import { MemoryRateLimiter } from './rate-limit.js'

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

export function createLogger(config: Config): Logger {
  return pino({ level: config.LOG_LEVEL, base: { service: 'whatisup-server' } })
}

/** Opens storage and wires the in-process implementations (embedded mode). */
export async function createDeps(
  config: Config,
  opts: { clock?: Clock; log?: Logger; databaseUrl?: string } = {},
): Promise<Deps> {
  const log = opts.log ?? createLogger(config)
  const clock = opts.clock ?? systemClock
  const url =
    opts.databaseUrl ?? (config.dialect === 'postgres' ? config.DATABASE_URL : `${config.DATA_DIR}/whatisup.db`)
  const database = await openDatabase({
    url,
    synchronous: config.SQLITE_SYNCHRONOUS,
    onCheckpointError: (message) => log.warn({ message }, 'background WAL checkpoint failed'),
  })
  const repos = createRepos(database.db, {
    onFoldError: (err) =>
      log.error({ err }, 'folding queued results into the rollups failed (retried on the next read)'),
  })
  return {
    config,
    clock,
    // Results still waiting for their fold are folded before the database closes.
    database: {
      ...database,
      async close() {
        try {
          await repos.results.close()
        } finally {
          await database.close()
        }
      },
    },
    repos,
    events: new EventBus((event, err) => log.error({ err, event }, 'event handler failed')),
    limiter: new MemoryRateLimiter(clock),
    log,
    monitorLocks: new KeyedMutex(),
    version: VERSION,
  }
}
