import { readonly, ref } from 'vue'

export type Theme = 'light' | 'dark'
const KEY = 'whatisup.theme'

function stored(): Theme | null {
  const value = globalThis.localStorage?.getItem(KEY)
  return value === 'light' || value === 'dark' ? value : null
}

const media = globalThis.matchMedia?.('(prefers-color-scheme: dark)')
const systemTheme = (): Theme => (media?.matches ? 'dark' : 'light')
const theme = ref<Theme>(stored() ?? systemTheme())

function apply(): void {
  document.documentElement.dataset.theme = theme.value
}

/** Follows the OS until the user picks a theme; their pick is kept in localStorage. */
export function initTheme(): void {
  apply()
  media?.addEventListener('change', () => {
    if (stored()) return
    theme.value = systemTheme()
    apply()
  })
}

export function useTheme() {
  function toggle(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark'
    localStorage.setItem(KEY, theme.value)
    apply()
  }
  return { theme: readonly(theme), toggle }
}
