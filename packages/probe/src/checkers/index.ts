import type { CheckKind } from '@whatisup/shared'
import { createHttpChecker, type HttpCheckerOptions } from './http.js'
import type { Checker } from './types.js'

export type { CheckContext, Checker, NetworkPolicy } from './types.js'

export type CheckerOptions = HttpCheckerOptions

/**
 * One checker per kind. Typed as a full `Record` over `CheckKind`: adding a kind in `shared` fails
 * this build until the probe can run it.
 */
export function createCheckers(options: CheckerOptions = {}): Record<CheckKind, Checker> {
  return {
    http: createHttpChecker(options),
  }
}
