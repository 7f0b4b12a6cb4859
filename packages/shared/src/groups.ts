import { z } from 'zod'

/**
 * Monitor groups and free-form `key:value` tags (see docs/adr/0011-groups-and-tags.md).
 *
 * A monitor belongs to at most one group and carries any number of tags. Both are owned per user:
 * one user's `env:prod` is not another's, and only its owner (or a superadmin) renames it.
 */

/** A tag key: letters, digits and `_ . - /`, 1–64 characters. */
export const TAG_KEY_PATTERN = /^[A-Za-z0-9_./-]{1,64}$/
/**
 * A tag value: 1–128 printable characters. Control characters are refused, and so is `,`, which
 * separates tags in the monitor list's `tag=` filter.
 */
export const TAG_VALUE_PATTERN = /^[^\p{Cc},]{1,128}$/u
/** Tags one monitor may carry. */
export const MAX_TAGS_PER_MONITOR = 32

/** A tag split into its parts; `value` is null for a bare `key`. */
export interface TagParts {
  key: string
  value: string | null
}

/**
 * Splits a label at its first `:`; null when it is not a valid tag.
 *
 * @example
 * parseTag('env:prod')         // { key: 'env', value: 'prod' }
 * parseTag('team:core:eu')     // { key: 'team', value: 'core:eu' }
 * parseTag('critical')         // { key: 'critical', value: null }
 * parseTag('env:')             // null (an empty value is not a bare key)
 */
export function parseTag(label: string): TagParts | null {
  const at = label.indexOf(':')
  const key = at < 0 ? label : label.slice(0, at)
  const value = at < 0 ? null : label.slice(at + 1)
  if (!TAG_KEY_PATTERN.test(key)) return null
  if (value !== null && !TAG_VALUE_PATTERN.test(value)) return null
  return { key, value }
}

/** The label of a tag: `key:value`, or `key` when bare. */
export function tagLabel(t: TagParts): string {
  return t.value === null ? t.key : `${t.key}:${t.value}`
}

/** One tag as typed by a user (`env:prod`, `critical`), trimmed, checked by {@link parseTag}. */
export const TagString = z
  .string()
  .trim()
  .refine((s) => parseTag(s) !== null, {
    message:
      'expected key or key:value (key: letters, digits, _ . - / up to 64; value: 1–128 printable characters, no comma)',
  })

/** A monitor's tags on create/update: labels, duplicates folded. */
export const TagList = z
  .array(TagString)
  .max(MAX_TAGS_PER_MONITOR)
  .transform((tags) => [...new Set(tags)])

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'expected a #rrggbb colour' })

/** GET /tags item. */
export const TagOut = z.object({
  id: z.string(),
  key: z.string(),
  value: z.string().nullable(),
  /** `key:value`, or `key` when bare. */
  label: z.string(),
  color: z.string().nullable(),
  /** Monitors (visible to the caller) carrying this tag. */
  monitor_count: z.number(),
})
export type Tag = z.infer<typeof TagOut>

/** POST /tags: idempotent, answers the existing tag when this owner already has the label. */
export const TagCreate = z.strictObject({
  label: TagString,
  color: hexColor.nullable().default(null),
})
export type TagCreateInput = z.input<typeof TagCreate>

/** PATCH /tags/{id}: rename (a new label) and/or recolour. */
export const TagUpdate = z.strictObject({
  label: TagString.optional(),
  color: hexColor.nullable().optional(),
})
export type TagUpdateInput = z.input<typeof TagUpdate>

/** Monitors of a group by state (the monitor status vocabulary). */
export const GroupStatusCounts = z.object({
  up: z.number(),
  down: z.number(),
  degraded: z.number(),
  paused: z.number(),
  unknown: z.number(),
})
export type GroupStatusCountsDto = z.infer<typeof GroupStatusCounts>

/** GET /groups item. */
export const GroupOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** Member monitors (visible to the caller). */
  monitor_count: z.number(),
  status_counts: GroupStatusCounts,
  created_at: z.string(),
  updated_at: z.string(),
})
export type MonitorGroup = z.infer<typeof GroupOut>

/** POST /groups. The name is unique per owner, case-insensitively. */
export const GroupCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullable().default(null),
})
export type GroupCreateInput = z.input<typeof GroupCreate>

/** PATCH /groups/{id}. */
export const GroupUpdate = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(1000).nullable().optional(),
})
export type GroupUpdateInput = z.input<typeof GroupUpdate>

export const BULK_ACTIONS = ['pause', 'resume', 'delete', 'set_group', 'add_tags', 'remove_tags'] as const
export type BulkActionName = (typeof BULK_ACTIONS)[number]

/**
 * POST /monitors/bulk. `set_group` needs `group_id` present (null moves out of any group);
 * `add_tags`/`remove_tags` need at least one tag.
 *
 * @example
 * { ids: ['…'], action: 'set_group', group_id: null }
 * { ids: ['…', '…'], action: 'add_tags', tags: ['env:prod'] }
 */
export const BulkAction = z
  .strictObject({
    ids: z
      .array(z.uuid())
      .min(1)
      .max(200)
      .transform((ids) => [...new Set(ids)]),
    action: z.enum(BULK_ACTIONS),
    group_id: z.string().min(1).max(64).nullable().optional(),
    tags: TagList.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.action === 'set_group' && b.group_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['group_id'], message: 'set_group needs group_id (null to ungroup)' })
    }
    if ((b.action === 'add_tags' || b.action === 'remove_tags') && (b.tags === undefined || b.tags.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['tags'], message: `${b.action} needs at least one tag` })
    }
    if (b.action !== 'set_group' && b.group_id !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['group_id'], message: 'only set_group takes group_id' })
    }
    if (b.action !== 'add_tags' && b.action !== 'remove_tags' && b.tags !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tags'], message: 'only add_tags and remove_tags take tags' })
    }
  })
export type BulkActionInput = z.input<typeof BulkAction>

/** POST /monitors/bulk answer: ids not found or not editable by the caller are listed, never touched. */
export const BulkResult = z.object({
  affected: z.number(),
  not_found: z.array(z.string()),
})
export type BulkResultDto = z.infer<typeof BulkResult>
