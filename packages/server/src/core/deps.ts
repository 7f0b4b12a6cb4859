import type { Clock } from '@whatisup/shared'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import type { Database } from '../storage/db.js'
import type { Repos } from '../storage/repositories/index.js'
import type { EventBus } from './events.js'
import type { KeyedMutex } from './keyed-mutex.js'
import type { RateLimiter } from './rate-limit.js'

/** Everything a service needs, passed explicitly: tests build one with a FakeClock and real storage. */
export interface Deps {
  config: Config
  clock: Clock
  database: Database
  repos: Repos
  events: EventBus
  limiter: RateLimiter
  log: Logger
  /** One writer per monitor for state/incident evaluation. */
  monitorLocks: KeyedMutex
  version: string
}
