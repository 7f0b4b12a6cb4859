import type { MonitorCreateInput } from '@whatisup/shared'
import type { Template } from '../../../api/alerting'
import { buildInput, emptyForm, type FieldErrors, type MonitorFormState, switchKind } from '../form'

/**
 * The kinds the wizard offers. `keyword` is an HTTP monitor that also requires a word in the body;
 * everything else (and every option of these) is in the advanced form.
 */
export const WIZARD_KINDS = ['http', 'keyword', 'tcp', 'ping', 'dns', 'heartbeat'] as const
export type WizardKind = (typeof WIZARD_KINDS)[number]

/** Alerting presets, matching the server's built-in templates `builtin-<check_type>-<preset>`. */
export const PRESETS = ['standard', 'strict', 'low_noise'] as const
export type Preset = (typeof PRESETS)[number] | 'none'

/** Check intervals offered in step 2 (seconds); the advanced form takes any value. */
export const INTERVALS = [30, 60, 300, 600, 3600] as const

/** The API fields step 2 shows an input for, per kind (errors on others go to the summary). */
export const TARGET_FIELDS: Record<WizardKind, readonly string[]> = {
  http: ['name', 'url', 'interval_seconds'],
  keyword: ['name', 'url', 'keyword', 'interval_seconds'],
  tcp: ['name', 'host', 'port', 'interval_seconds'],
  ping: ['name', 'host', 'interval_seconds'],
  dns: ['name', 'hostname', 'record_type', 'interval_seconds'],
  heartbeat: ['name', 'period_seconds', 'grace_seconds'],
}

export const checkTypeOf = (kind: WizardKind) => (kind === 'keyword' ? 'http' : kind)

/** A fresh form state for `kind`, with the defaults of the advanced form. */
export function wizardForm(kind: WizardKind): MonitorFormState {
  const state = emptyForm()
  switchKind(state, checkTypeOf(kind))
  return state
}

/**
 * The name the monitor gets when the user leaves the name blank: the target, readably.
 *
 * @example suggestedName('http', s) // 'shop.example.com' for https://shop.example.com/health
 */
export function suggestedName(kind: WizardKind, state: MonitorFormState): string {
  switch (kind) {
    case 'http':
    case 'keyword': {
      const raw = state.kinds.http.url.trim()
      try {
        const u = new URL(raw)
        const path = u.pathname === '/' ? '' : u.pathname
        return raw === 'https://' || raw === 'http://' ? '' : `${u.host}${path}`
      } catch {
        return ''
      }
    }
    case 'tcp': {
      const { host, port } = state.kinds.tcp
      return host.trim() ? `${host.trim()}${String(port).trim() ? `:${String(port).trim()}` : ''}` : ''
    }
    case 'ping':
      return state.kinds.ping.host.trim()
    case 'dns': {
      const host = state.kinds.dns.hostname.trim()
      return host ? `${host} (${state.kinds.dns.record_type})` : ''
    }
    case 'heartbeat':
      return ''
  }
}

/** A one-line description of what the monitor checks, for the review step. */
export function targetSummary(kind: WizardKind, state: MonitorFormState): string {
  switch (kind) {
    case 'http':
      return state.kinds.http.url.trim()
    case 'keyword':
      return `${state.kinds.http.url.trim()} · “${state.kinds.http.keyword.trim()}”`
    case 'tcp':
    case 'ping':
    case 'dns':
    case 'heartbeat':
      return suggestedName(kind, state)
  }
}

/**
 * Step 2's payload: the advanced form's builder over the wizard's state, plus what the wizard adds
 * (a name from the target, a required keyword). Returns the errors keyed by API field.
 */
export function buildWizardInput(
  kind: WizardKind,
  state: MonitorFormState,
): { input: MonitorCreateInput | null; errors: FieldErrors } {
  const named: MonitorFormState = { ...state, name: state.name.trim() || suggestedName(kind, state) }
  const { input, errors } = buildInput(named)
  if (kind === 'keyword' && !state.kinds.http.keyword.trim()) errors.keyword = { key: 'required' }
  return Object.keys(errors).length > 0 ? { input: null, errors } : { input, errors }
}

/** The built-in template of `preset` among those the server lists for the monitor's kind. */
export function presetTemplate(templates: readonly Template[], preset: Preset): Template | undefined {
  if (preset === 'none') return undefined
  return templates.find((t) => t.builtin && t.id.endsWith(`-${preset}`))
}
