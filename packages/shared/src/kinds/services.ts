import { z } from 'zod'
import { HostSchema, PortSchema, SecretSchema } from './fields.js'

const common = {
  host: HostSchema,
  username: z.string().max(255).nullable().default(null),
  password: SecretSchema.nullable().default(null),
  tls: z.boolean().default(false),
  ignore_tls_errors: z.boolean().default(false),
}

export const postgresSettings = {
  ...common,
  port: PortSchema.default(5432),
  database: z.string().min(1).max(255).default('postgres'),
  query: z.string().min(1).max(4096).default('SELECT 1'),
  /** Compared with the first column of the first row, as text. */
  expected_value: z.string().max(1024).nullable().default(null),
}

export const mysqlSettings = {
  ...common,
  port: PortSchema.default(3306),
  database: z.string().max(255).nullable().default(null),
  query: z.string().min(1).max(4096).default('SELECT 1'),
  expected_value: z.string().max(1024).nullable().default(null),
}

export const redisSettings = {
  ...common,
  port: PortSchema.default(6379),
  db: z.int().min(0).max(255).default(0),
  /** A read-only command, split on spaces (e.g. `PING`, `GET health:flag`). */
  command: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^(PING|GET|EXISTS|TTL|HGET|LLEN|SCARD|ZCARD|STRLEN|TYPE|INFO|DBSIZE)(\s.*)?$/i, {
      message: 'only read-only commands: PING, GET, EXISTS, TTL, HGET, LLEN, SCARD, ZCARD, STRLEN, TYPE, INFO, DBSIZE',
    })
    .default('PING'),
  expected_value: z.string().max(1024).nullable().default(null),
}

export const mqttSettings = {
  ...common,
  port: PortSchema.default(1883),
  /** Subscribe and wait for one message (retained or live) on this topic. */
  topic: z.string().min(1).max(1024).nullable().default(null),
  expected_value: z.string().max(1024).nullable().default(null),
}
