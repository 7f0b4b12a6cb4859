import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { DIAGNOSTIC_RAW_MAX_BYTES, type DiagnosticResult, type DiagnosticTarget } from '@whatisup/shared'
import { policyBlocks } from '../checkers/ssrf.js'
import type { NetworkPolicy } from '../checkers/types.js'

/** What one collector hands back; the runner adds the kind, timing and deadline handling. */
export type Collected<K extends DiagnosticResult['kind'] = DiagnosticResult['kind']> = Pick<
  Extract<DiagnosticResult, { kind: K }>,
  'payload' | 'raw' | 'error'
>

export interface CollectorContext {
  target: DiagnosticTarget
  policy: NetworkPolicy
  /** Aborted at the collector's deadline: stop the child process or socket and return what there is. */
  signal: AbortSignal
}

/**
 * A diagnostic collector: the extension point for a new kind. It never throws for a target that
 * misbehaves (that is its payload); it throws {@link DiagnosticError} for "could not collect"
 * (`blocked_by_ssrf_guard`, `binary_missing:…`), anything else is reported as `Class: message`.
 */
export type Collector<K extends DiagnosticResult['kind'] = DiagnosticResult['kind']> = (
  ctx: CollectorContext,
) => Promise<Collected<K>>

/** A reason the collector produced nothing, reported as the result's `error` verbatim. */
export class DiagnosticError extends Error {
  override readonly name = 'DiagnosticError'
}

export const BLOCKED = 'blocked_by_ssrf_guard'

/**
 * The addresses a collector may send packets to: the host resolved once, every answer checked
 * against the probe's SSRF rules, like the checkers do (a name mixing public and private answers
 * is refused as a whole). The collector then dials these literals, never the name again.
 */
export async function allowedAddresses(host: string, policy: NetworkPolicy): Promise<string[]> {
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address)
  if (addresses.length === 0) throw new DiagnosticError(`no address for ${host}`)
  if (addresses.some((a) => policyBlocks(policy, a) !== null)) throw new DiagnosticError(BLOCKED)
  return addresses
}

/** Cuts text to the raw-output bound (UTF-8 bytes), marking the cut. */
export function capRaw(text: string): string {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= DIAGNOSTIC_RAW_MAX_BYTES) return text
  return `${bytes
    .subarray(0, DIAGNOSTIC_RAW_MAX_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}\n[truncated]`
}

/** Environment for system tools whose output is parsed: English whatever the probe's locale. */
export const TOOL_ENV = { ...process.env, LC_ALL: 'C' }

/** Milliseconds, rounded to 0.01. */
export const roundMs = (ms: number) => Math.round(ms * 100) / 100
