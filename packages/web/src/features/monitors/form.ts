import type { CheckKind, ErrorIssue, Monitor, MonitorCreateInput, MonitorOf, NetworkScope } from '@whatisup/shared'
import { type FieldErrors, type NumInput, toInt } from './kinds/fields'
import { emptyKindStates, isFormKind, isServerKind, KIND_FORMS, type KindForm, type KindStates } from './kinds/index'

export type { ErrorKey, FieldError, FieldErrors, HeaderRow } from './kinds/fields'
export { headerRow } from './kinds/fields'
export { HTTP_METHODS, type HttpMethod, methodHasBody, parseStatusCodes } from './kinds/http'
export { ALL_FORM_KINDS, FORM_KINDS, isServerKind, SERVER_FORM_KINDS } from './kinds/index'

export const NETWORK_SCOPES = ['all', 'internal', 'external'] as const satisfies readonly NetworkScope[]

/**
 * What the inputs hold. Every kind keeps its own state, so flipping the kind picker back and forth
 * loses nothing; only the picked kind is sent.
 */
export interface MonitorFormState {
  check_type: CheckKind
  name: string
  interval_seconds: NumInput
  timeout_seconds: NumInput
  network_scope: NetworkScope
  enabled: boolean
  /** One condition per line. */
  conditions: string
  kinds: KindStates
}

export function emptyForm(): MonitorFormState {
  return {
    check_type: 'http',
    name: '',
    interval_seconds: 60,
    timeout_seconds: 10,
    network_scope: 'all',
    enabled: true,
    conditions: '',
    kinds: emptyKindStates(),
  }
}

export function formFromMonitor(monitor: Monitor): MonitorFormState {
  const kind = monitor.check_type
  if (!isFormKind(kind)) throw new Error(`the form does not edit ${kind} monitors`)
  const kinds = emptyKindStates()
  ;(kinds as Record<CheckKind, unknown>)[kind] = (KIND_FORMS[kind] as KindForm<CheckKind>).fromMonitor(
    monitor as MonitorOf<CheckKind>,
  )
  return {
    check_type: kind,
    name: monitor.name,
    interval_seconds: monitor.interval_seconds,
    timeout_seconds: monitor.timeout_seconds,
    network_scope: monitor.network_scope,
    enabled: monitor.enabled,
    conditions: monitor.conditions.join('\n'),
    kinds,
  }
}

/** The non-blank lines of the conditions box, with their 1-based line numbers. */
export function conditionLines(text: string): { text: string; line: number }[] {
  return text
    .split('\n')
    .map((t, i) => ({ text: t.trim(), line: i + 1 }))
    .filter((l) => l.text !== '')
}

/** Shows `check_type`'s fields; keeps the interval at or above the kind's minimum. */
export function switchKind(state: MonitorFormState, kind: CheckKind): void {
  state.check_type = kind
  const min = KIND_FORMS[kind].minInterval
  const interval = toInt(state.interval_seconds)
  if (interval !== null && interval < min) state.interval_seconds = min
}

/**
 * Checks what the browser can check (the server re-validates everything) and builds the API
 * payload. Returns the payload only when there are no errors.
 */
export function buildInput(state: MonitorFormState): { input: MonitorCreateInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const kind = state.check_type
  const form = KIND_FORMS[kind] as KindForm<CheckKind>
  const name = state.name.trim()
  if (!name) errors.name = { key: 'required' }
  const interval = toInt(state.interval_seconds)
  const min = form.minInterval
  if (interval === null) errors.interval_seconds = { key: 'integer' }
  else if (interval < min || interval > 86_400) errors.interval_seconds = { key: 'intervalMin', params: { min } }
  const timeout = toInt(state.timeout_seconds)
  if (timeout === null) errors.timeout_seconds = { key: 'integer' }
  else if (timeout < 1 || timeout > 60) errors.timeout_seconds = { key: 'timeoutRange' }
  else if (interval !== null && timeout > interval) errors.timeout_seconds = { key: 'timeoutOverInterval' }
  const settings = form.build(state.kinds[kind], errors)

  if (Object.keys(errors).length > 0 || interval === null || timeout === null) return { input: null, errors }
  const input = {
    check_type: kind,
    name,
    interval_seconds: interval,
    timeout_seconds: timeout,
    network_scope: state.network_scope,
    enabled: state.enabled,
    // Server-side kinds have no checks to put conditions on (the form hides the box).
    conditions: isServerKind(kind) ? [] : conditionLines(state.conditions).map((l) => l.text),
    ...settings,
  } as MonitorCreateInput
  return { errors, input }
}

const COMMON_FIELDS = new Set(['check_type', 'name', 'interval_seconds', 'timeout_seconds', 'network_scope', 'enabled'])

/**
 * Maps a 400's `details.issues` onto the form. Paths look like `body.port`, `body.auth.password`,
 * `body.custom_headers.X-Api-Key` (→ that header's row) or `body.conditions.2` (→ the third
 * condition); what matches no input is returned in `other` so it is still shown.
 */
export function issuesToFieldErrors(
  issues: readonly ErrorIssue[],
  state: Pick<MonitorFormState, 'check_type' | 'kinds'>,
): { fields: FieldErrors; other: string[] } {
  const form = KIND_FORMS[state.check_type] as KindForm<CheckKind>
  const known = new Set([...COMMON_FIELDS, ...form.fields])
  const rows = form.rows?.(state.kinds[state.check_type]) ?? {}
  const fields: FieldErrors = {}
  const other: string[] = []
  for (const issue of issues) {
    const [first, ...rest] = issue.path.split('.')
    const segments = first === 'body' ? rest : [first ?? '', ...rest]
    const [field = '', ...sub] = segments
    let target: string | null = null
    const list = rows[field]
    if (list && sub.length > 0) {
      const name = sub.join('.')
      const row = list.rows.findIndex((h) => h.key.trim() === name)
      target = row >= 0 ? `${list.prefix}.${row}` : field
    } else if (field === 'conditions') {
      target = sub[0] !== undefined && /^\d+$/.test(sub[0]) ? `conditions.${sub[0]}` : 'conditions'
    } else {
      for (let n = segments.length; n > 0 && target === null; n--) {
        const path = segments.slice(0, n).join('.')
        if (known.has(path)) target = path
      }
    }
    if (target === null) other.push(issue.message)
    else fields[target] ??= { text: issue.message }
  }
  return { fields, other }
}
