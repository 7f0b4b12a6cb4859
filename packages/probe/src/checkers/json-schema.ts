import type { ConditionOutcome } from '@whatisup/shared'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { outcome } from './conditions.js'

/** The label of the JSON Schema assertion in a result's `conditions`. */
export const JSON_SCHEMA_CONDITION = 'JSON Schema (draft 2020-12)'

// CommonJS default export: the function itself at runtime, `.default` in its typings.
const addFormats = ((addFormatsModule as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void

let shared: Ajv2020 | undefined

/** One Ajv for the process, created on first use: probes without JSON Schema monitors never pay for it. */
function ajv(): Ajv2020 {
  if (!shared) {
    shared = new Ajv2020({ strict: false, allErrors: false, validateSchema: true })
    addFormats(shared)
  }
  return shared
}

/** A compiled schema, or why it could not be compiled. */
export type SchemaCheck = { validate: ValidateFunction } | { error: string }

/**
 * Compiles a monitor's schema (once per monitor: callers cache through `perMonitor`). The schema is
 * removed from Ajv's registry at once, so replaced monitors do not accumulate there and two
 * monitors may use the same `$id`.
 */
export function compileSchema(schema: Record<string, unknown>): SchemaCheck {
  const instance = ajv()
  try {
    const validate = instance.compile(schema)
    return { validate }
  } catch (e) {
    return { error: `invalid JSON Schema: ${e instanceof Error ? e.message : String(e)}` }
  } finally {
    instance.removeSchema(schema)
  }
}

/** Validates a body; the first error names where and why, like `/items/0/id must be integer`. */
export function schemaOutcome(check: SchemaCheck, body: string | undefined): ConditionOutcome {
  if ('error' in check) return outcome(JSON_SCHEMA_CONDITION, false, 'null', check.error)
  if (body === undefined) return outcome(JSON_SCHEMA_CONDITION, false, 'null', 'no response body')
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return outcome(JSON_SCHEMA_CONDITION, false, body, 'the body is not JSON')
  }
  if (check.validate(value)) return outcome(JSON_SCHEMA_CONDITION, true, 'valid')
  const first = check.validate.errors?.[0]
  const where = first?.instancePath || '/'
  const error = first ? `${where} ${first.message ?? first.keyword}` : 'invalid'
  return outcome(JSON_SCHEMA_CONDITION, false, error, error)
}
