import type { Monitor } from '@whatisup/shared'

const COLUMNS = [
  'id',
  'name',
  'check_type',
  'target',
  'status',
  'enabled',
  'last_response_time_ms',
  'last_checked_at',
  'group',
  'tags',
] as const

/** RFC 4180 field; a leading = + - @ is neutralised so spreadsheets do not run it as a formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * One line per monitor; `group` is the group's name (from `groupNames`, else its id) and `tags`
 * the labels joined by commas (a tag never contains one).
 */
export function monitorsToCsv(monitors: readonly Monitor[], groupNames: Readonly<Record<string, string>> = {}): string {
  const cell = (m: Monitor, c: (typeof COLUMNS)[number]): unknown => {
    if (c === 'group') return m.group_id === null ? '' : (groupNames[m.group_id] ?? m.group_id)
    if (c === 'tags') return m.tags.join(',')
    return (m as unknown as Record<string, unknown>)[c]
  }
  const rows = monitors.map((m) => COLUMNS.map((c) => csvField(cell(m, c))).join(','))
  return `${[COLUMNS.join(','), ...rows].join('\r\n')}\r\n`
}

export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
