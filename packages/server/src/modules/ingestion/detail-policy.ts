import type { CheckResult } from '@whatisup/shared'

/**
 * Which results keep their rich detail (failure, conditions, TLS, addresses, kind details). A
 * healthy check repeats the same facts every minute; storing them each time is most of what
 * makes other tools' databases huge. Kept: every non-up result, every failed condition, any
 * change of the facts since the series' last stored detail, and one keyframe an hour so the
 * latest facts are never older than that. Timings are always kept (packed in the raw row).
 */
export const KEYFRAME_MS = 3_600_000

export interface DetailMemory {
  signature: string
  at: number
}

export function richDetail(r: CheckResult): Record<string, unknown> {
  const d: Record<string, unknown> = {}
  if (r.failure) d.failure = r.failure
  if (r.tls) d.tls = r.tls
  if (r.remote_address) d.remote_address = r.remote_address
  if (r.final_url) d.final_url = r.final_url
  if (r.redirect_count) d.redirect_count = r.redirect_count
  if (r.conditions?.length) d.conditions = r.conditions
  if (r.details) d.details = r.details
  return d
}

/** The facts whose change is news; passing conditions' actual values are not (they move every check). */
function signature(r: CheckResult): string {
  const tls = r.tls && {
    valid_to: r.tls.valid_to,
    authorized: r.tls.authorized,
    issuer: r.tls.issuer,
    subject: r.tls.subject,
    fingerprint256: r.tls.fingerprint256,
    protocol: r.tls.protocol,
  }
  return JSON.stringify([tls, r.remote_address, r.final_url, r.redirect_count, r.details])
}

/**
 * Decides for one result: the detail JSON to store (or null) and the series' memory after it.
 *
 * @example decideDetail(upResultSameAsBefore, memory) // → { detail: null, memory }
 */
export function decideDetail(
  r: CheckResult,
  memory: DetailMemory | undefined,
): { detail: string | null; memory: DetailMemory | undefined } {
  const d = richDetail(r)
  if (Object.keys(d).length === 0) return { detail: null, memory }
  const sig = signature(r)
  const informative =
    r.status !== 'up' ||
    r.failure !== undefined ||
    (r.conditions ?? []).some((c) => !c.success) ||
    memory === undefined ||
    memory.signature !== sig ||
    r.checked_at - memory.at >= KEYFRAME_MS ||
    r.checked_at < memory.at
  if (!informative) return { detail: null, memory }
  const next = memory && r.checked_at < memory.at ? memory : { signature: sig, at: r.checked_at }
  return { detail: JSON.stringify(d), memory: next }
}
