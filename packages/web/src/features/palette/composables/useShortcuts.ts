import { onBeforeUnmount, onMounted } from 'vue'

export interface ShortcutHandlers {
  palette(): void
  go(target: 'dashboard' | 'monitors' | 'incidents'): void
  create(): void
  search(): void
  help(): void
}

const GO: Record<string, 'dashboard' | 'monitors' | 'incidents'> = { d: 'dashboard', m: 'monitors', i: 'incidents' }
/** How long after `g` the second key of a sequence is awaited. */
const SEQUENCE_MS = 1000

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el?.tagName) return false
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
}

/** Returns the keydown handler (exported for tests); `useShortcuts` binds it to the window. */
export function createShortcutHandler(h: ShortcutHandlers, now: () => number = Date.now) {
  let gAt = -Infinity
  return (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault()
      h.palette()
      return
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return
    if (now() - gAt < SEQUENCE_MS) {
      gAt = -Infinity
      const target = GO[e.key]
      if (target) {
        e.preventDefault()
        h.go(target)
        return
      }
    }
    switch (e.key) {
      case 'g':
        gAt = now()
        return
      case 'c':
        e.preventDefault()
        h.create()
        return
      case '/':
        e.preventDefault()
        h.search()
        return
      case '?':
        e.preventDefault()
        h.help()
        return
      default:
        return
    }
  }
}

export function useShortcuts(h: ShortcutHandlers): void {
  const handler = createShortcutHandler(h)
  onMounted(() => window.addEventListener('keydown', handler))
  onBeforeUnmount(() => window.removeEventListener('keydown', handler))
}
