import type { ErrorIssue } from '@whatisup/shared'

/** A client-side check (an i18n key under `maintenance.errors`) or the server's own words. */
export type FieldError = { key: string; params?: Record<string, unknown> } | { text: string }
export type FieldErrors = Record<string, FieldError>

/**
 * Maps a 400's `details.issues` onto form fields. Paths look like `body.schedule.days.2`: the
 * longest known prefix (`schedule.days`) gets the message; the rest go to the form summary.
 *
 * @example issuesToFieldErrors([{ path: 'body.schedule.cron', message: 'bad' }], ['schedule.cron'])
 *   // { fields: { 'schedule.cron': { text: 'bad' } }, other: [] }
 */
export function issuesToFieldErrors(
  issues: readonly ErrorIssue[],
  known: readonly string[],
): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {}
  const other: string[] = []
  for (const issue of issues) {
    const segments = issue.path.split('.')
    if (segments[0] === 'body') segments.shift()
    let target: string | null = null
    for (let n = segments.length; n > 0 && target === null; n--) {
      const path = segments.slice(0, n).join('.')
      if (known.includes(path)) target = path
    }
    if (target === null) other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message)
    else fields[target] ??= { text: issue.message }
  }
  return { fields, other }
}
