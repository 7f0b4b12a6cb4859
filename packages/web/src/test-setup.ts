import { loadLocale } from './i18n'

// Components switch language synchronously once a language is loaded; tests switch to French freely.
await loadLocale('fr')
