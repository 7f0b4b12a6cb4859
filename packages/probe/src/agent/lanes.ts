/**
 * Concurrency lanes. Every check counts against MAX_CONCURRENT_CHECKS; a kind mapped to a lane
 * here is also bounded by that lane's own limit, and waits in that lane's own queue, so a few
 * slow browser scenarios never hold back hundreds of HTTP checks, nor take every slot.
 *
 * Keyed by `check_type` as a plain string: the browser `scenario` kind does not exist yet, and an
 * assignment may carry kinds newer than this probe. A kind not listed runs in the `checks` lane.
 *
 * @example
 * laneOf('scenario') === 'browser'
 * laneOf('http') === 'checks'
 */
export const KIND_LANES: Readonly<Record<string, Lane>> = {
  scenario: 'browser',
}

export type Lane = 'checks' | 'browser'

export function laneOf(kind: string): Lane {
  return Object.hasOwn(KIND_LANES, kind) ? KIND_LANES[kind]! : 'checks'
}
