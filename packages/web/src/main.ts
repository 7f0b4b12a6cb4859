import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { onSessionExpired } from './api/index'
import './features/alerting/push/register'
import { i18n, initialLocale, isLocale, setLocale, storedLocale } from './i18n'
import { router } from './router'
import { useAuthStore } from './stores/auth'
import { initTheme } from './ui/theme'
import './styles.css'

initTheme()

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n).use(router)

const auth = useAuthStore(pinia)
// Without a language picked on this device, use the one saved on the profile.
auth.$subscribe((_mutation, state) => {
  const language = state.user?.language
  if (!storedLocale() && isLocale(language)) void setLocale(language, false)
})

onSessionExpired(() => {
  const current = router.currentRoute.value
  // During the first navigation the guard redirects by itself, keeping the requested path.
  if (current.name === 'login' || current.matched.length === 0) return
  void router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } })
})

// English is bundled; another language is fetched before the first render so no page flashes
// English. If it cannot be fetched, the app still starts, in English.
void setLocale(initialLocale(), false)
  .catch(() => undefined)
  .then(() => app.mount('#app'))
