import { createI18n } from 'vue-i18n'
import en, { type MessageSchema } from './en'
import fr from './fr'

export const LOCALES = ['en', 'fr'] as const
export type Locale = (typeof LOCALES)[number]
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' }

const KEY = 'whatisup.locale'

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale)

export function storedLocale(): Locale | null {
  const value = globalThis.localStorage?.getItem(KEY)
  return isLocale(value) ? value : null
}

function browserLocale(): Locale {
  return globalThis.navigator?.language?.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: storedLocale() ?? browserLocale(),
  fallbackLocale: 'en',
  messages: { en, fr },
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLocale(): Locale {
  return i18n.global.locale.value
}

/** Switches the UI language; `persist` is false when the choice comes from the user's profile. */
export function setLocale(locale: Locale, persist = true): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  if (persist) localStorage.setItem(KEY, locale)
}

declare module 'vue-i18n' {
  export interface DefineLocaleMessage extends MessageSchema {}
}
