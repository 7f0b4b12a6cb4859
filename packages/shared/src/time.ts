import { z } from 'zod'

/** Epoch milliseconds → ISO-8601 UTC string, null-safe. @example iso(0) === '1970-01-01T00:00:00.000Z' */
export function iso(ms: number): string
export function iso(ms: number | null | undefined): string | null
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString()
}

/** An IANA time zone name the runtime knows. @example IanaTimeZone.parse('Europe/Paris') */
export const IanaTimeZone = z
  .string()
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz })
        return true
      } catch {
        return false
      }
    },
    { message: 'unknown IANA time zone' },
  )
