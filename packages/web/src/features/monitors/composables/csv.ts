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
] as const

/** RFC 4180 field; a leading = + - @ is neutralised so spreadsheets do not run it as a formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function monitorsToCsv(monitors: readonly Monitor[]): string {
  const rows = monitors.map((m) => COLUMNS.map((c) => csvField((m as unknown as Record<string, unknown>)[c])).join(','))
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
