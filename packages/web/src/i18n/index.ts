import { createI18n } from 'vue-i18n'
import en, { type MessageSchema } from './en'

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

/** The language this device starts in: the one picked here, else the browser's. */
export const initialLocale = (): Locale => storedLocale() ?? browserLocale()

/**
 * English ships with the app (it is also the fallback); other languages are fetched when first
 * used, so an English session does not download or parse them.
 */
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: MessageSchema }>> = {
  fr: () => import('./fr'),
}
const loaded = new Set<Locale>(['en'])

export async function loadLocale(locale: Locale): Promise<void> {
  if (loaded.has(locale) || locale === 'en') return
  const messages = (await loaders[locale]()).default
  i18n.global.setLocaleMessage(locale, messages)
  loaded.add(locale)
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en } as Record<Locale, MessageSchema>,
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLocale(): Locale {
  return i18n.global.locale.value
}

/**
 * Switches the UI language, at once when its messages are loaded, else once they are; `persist` is
 * false when the choice comes from the user's profile. Resolves when the new language shows.
 */
export function setLocale(locale: Locale, persist = true): Promise<void> {
  if (persist) localStorage.setItem(KEY, locale)
  const apply = () => {
    i18n.global.locale.value = locale
    document.documentElement.lang = locale
  }
  if (loaded.has(locale)) {
    apply()
    return Promise.resolve()
  }
  return loadLocale(locale).then(apply)
}

declare module 'vue-i18n' {
  export interface DefineLocaleMessage extends MessageSchema {}
}
