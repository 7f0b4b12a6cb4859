/**
 * The shared tag rules (`parseTag`, `TagString`…), loaded on first use: shared/groups.ts builds
 * zod schemas at import time, and the monitors list should not pay for zod before anyone types a tag.
 */
export type TagRules = typeof import('@whatisup/shared/groups')

let rules: Promise<TagRules> | null = null

export const loadTagRules = (): Promise<TagRules> => (rules ??= import('@whatisup/shared/groups'))

/** The problem with one typed tag, or its normalised label. */
export type TagCheck = { ok: true; label: string } | { ok: false; reason: 'invalid' | 'duplicate' | 'tooMany' }

/** Validates `raw` with the shared `TagString` schema against the tags already chosen. */
export async function checkTag(raw: string, existing: readonly string[]): Promise<TagCheck> {
  const { TagString, MAX_TAGS_PER_MONITOR } = await loadTagRules()
  const parsed = TagString.safeParse(raw)
  if (!parsed.success) return { ok: false, reason: 'invalid' }
  if (existing.includes(parsed.data)) return { ok: false, reason: 'duplicate' }
  if (existing.length >= MAX_TAGS_PER_MONITOR) return { ok: false, reason: 'tooMany' }
  return { ok: true, label: parsed.data }
}
