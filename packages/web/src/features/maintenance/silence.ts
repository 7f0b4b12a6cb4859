import type { SilenceInput } from '../../api/maintenance'
import type { FieldErrors } from './form-errors'
import { localToIso, TAGS_TARGET } from './schedule'

/** The presets the issue asks for: 15 min, 1 h, 4 h, 1 day (minutes). */
export const SILENCE_PRESETS = [15, 60, 240, 1440] as const
export type SilenceLength = (typeof SILENCE_PRESETS)[number] | 'custom'

export interface SilenceFormState {
  name: string
  reason: string
  /** The target picker's value: '' = every monitor of the owner, {@link TAGS_TARGET} = `tags`. */
  monitorId: string
  /** The labels when the target is tags. */
  tags: string[]
  length: SilenceLength
  /** `datetime-local`, used when `length` is 'custom'. */
  endsAt: string
}

export const SILENCE_FIELDS = [
  'name',
  'reason',
  'monitor_id',
  'tags',
  'ends_at',
  'duration_minutes',
  'starts_at',
] as const

export const emptySilenceForm = (): SilenceFormState => ({
  name: '',
  reason: '',
  monitorId: '',
  tags: [],
  length: 60,
  endsAt: '',
})

/** The API body (starting now), or the fields to fix first. */
export function buildSilenceInput(
  state: SilenceFormState,
  now = Date.now(),
): { input: SilenceInput | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const name = state.name.trim()
  if (!name) errors.name = { key: 'required' }
  const byTags = state.monitorId === TAGS_TARGET
  if (byTags && state.tags.length === 0) errors.tags = { key: 'tagsRequired' }
  let end: Pick<SilenceInput, 'ends_at' | 'duration_minutes'> = {}
  if (state.length === 'custom') {
    const iso = localToIso(state.endsAt)
    if (!iso) errors.ends_at = { key: 'required' }
    else if (Date.parse(iso) <= now) errors.ends_at = { key: 'endInPast' }
    else end = { ends_at: iso }
  } else {
    end = { duration_minutes: state.length }
  }
  if (Object.keys(errors).length > 0) return { input: null, errors }
  return {
    input: {
      name,
      reason: state.reason.trim() || null,
      monitor_id: byTags ? null : state.monitorId || null,
      tags: byTags ? [...state.tags] : null,
      ...end,
    },
    errors,
  }
}
