/** Epoch milliseconds → ISO-8601 UTC string, null-safe. @example iso(0) === '1970-01-01T00:00:00.000Z' */
export function iso(ms: number): string
export function iso(ms: number | null | undefined): string | null
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString()
}
