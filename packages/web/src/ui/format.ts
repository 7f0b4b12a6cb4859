import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useAuthStore } from '../stores/auth'

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
]

/**
 * Intl formatters are costly to build (a fraction of a millisecond each, several per table row):
 * one per locale and options, kept for the page's life.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.RelativeTimeFormat | Intl.DateTimeFormat>()
function cached<T extends Intl.NumberFormat | Intl.RelativeTimeFormat | Intl.DateTimeFormat>(
  kind: string,
  locale: string,
  options: object,
  build: () => T,
): T {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`
  let formatter = formatters.get(key) as T | undefined
  if (!formatter) {
    formatter = build()
    formatters.set(key, formatter)
  }
  return formatter
}
export const numberFormat = (locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat =>
  cached('n', locale, options, () => new Intl.NumberFormat(locale, options))
export const relativeTimeFormat = (
  locale: string,
  options: Intl.RelativeTimeFormatOptions = {},
): Intl.RelativeTimeFormat => cached('r', locale, options, () => new Intl.RelativeTimeFormat(locale, options))
export const dateTimeFormat = (locale: string, options: Intl.DateTimeFormatOptions = {}): Intl.DateTimeFormat =>
  cached('d', locale, options, () => new Intl.DateTimeFormat(locale, options))

/** "12 s ago" style, in the given locale; `now` is injectable for tests. */
export function relativeTime(iso: string, locale: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  const rtf = relativeTimeFormat(locale, { numeric: 'auto', style: 'short' })
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.trunc(seconds / size), unit)
  }
  return rtf.format(0, 'second')
}

/** 3725 → "1h 2min 5s" (localized unit names, the two largest units only). */
export function duration(totalSeconds: number, locale: string): string {
  let rest = Math.max(0, Math.round(totalSeconds))
  const parts: string[] = []
  for (const [unit, size] of UNITS) {
    const value = Math.floor(rest / size)
    rest -= value * size
    if (value > 0 || (unit === 'second' && parts.length === 0)) {
      parts.push(numberFormat(locale, { style: 'unit', unit, unitDisplay: 'narrow' }).format(value))
    }
    if (parts.length === 2) break
  }
  return parts.join(' ')
}

export function milliseconds(ms: number | null | undefined, locale: string): string | null {
  if (ms === null || ms === undefined) return null
  const digits = ms < 10 ? 1 : 0
  return numberFormat(locale, {
    style: 'unit',
    unit: 'millisecond',
    unitDisplay: 'short',
    maximumFractionDigits: digits,
  }).format(ms)
}

function safeTimeZone(tz: string | null | undefined): string | undefined {
  if (!tz) return undefined
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return tz
  } catch {
    return undefined
  }
}

/** Formatters bound to the UI language and the user's time zone (browser zone when unset). */
export function useFormat() {
  const { locale, t } = useI18n()
  const auth = useAuthStore()
  const dateTimes = computed(() => {
    const timeZone = safeTimeZone(auth.user?.timezone)
    return dateTimeFormat(locale.value, {
      dateStyle: 'medium',
      timeStyle: 'medium',
      ...(timeZone ? { timeZone } : {}),
    })
  })
  return {
    dateTime: (iso: string | null | undefined) => (iso ? dateTimes.value.format(new Date(iso)) : t('app.none')),
    relative: (iso: string | null | undefined, now?: number) =>
      iso ? relativeTime(iso, locale.value, now) : t('app.never'),
    duration: (seconds: number | null | undefined) =>
      seconds === null || seconds === undefined ? t('app.none') : duration(seconds, locale.value),
    ms: (value: number | null | undefined) => milliseconds(value, locale.value) ?? t('app.none'),
    percent: (ratio: number) =>
      numberFormat(locale.value, { style: 'percent', maximumFractionDigits: 2 }).format(ratio),
  }
}
