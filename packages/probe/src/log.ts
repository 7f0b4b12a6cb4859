/**
 * JSON-lines logger: one object per line on stdout, so `docker logs` and any collector can parse
 * it without a dependency. Errors are flattened to `{message, code}` because `JSON.stringify` of an
 * Error is `{}`.
 *
 * @example
 * const log = createLogger({ level: 'info' })
 * log.warn('buffer full', { results_lost: 500 }) // {"time":"…","level":"warn","msg":"buffer full","results_lost":500}
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

export interface LoggerOptions {
  level: LogLevel
  write?: (line: string) => void
  now?: () => number
  base?: LogFields
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const now = options.now ?? Date.now
  const min = RANK[options.level]
  const base = options.base ?? {}
  const emit = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...base, ...fields }, replacer))
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  }
}

/** A logger that drops everything: the default for library callers that did not pass one. */
export const silentLogger: Logger = createLogger({ level: 'silent', write: () => {} })

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code
    return code === undefined ? { message: value.message } : { message: value.message, code }
  }
  return typeof value === 'bigint' ? value.toString() : value
}
