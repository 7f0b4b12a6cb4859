import { describe, expect, it, vi } from 'vitest'
import { createShortcutHandler } from './useShortcuts'

function setup() {
  let t = 0
  const h = { palette: vi.fn(), go: vi.fn(), create: vi.fn(), search: vi.fn(), help: vi.fn() }
  const handle = createShortcutHandler(h, () => t)
  const key = (k: string, extra: KeyboardEventInit = {}, target?: EventTarget) => {
    const e = new KeyboardEvent('keydown', { key: k, ...extra })
    if (target) Object.defineProperty(e, 'target', { value: target })
    handle(e)
  }
  return { h, key, advance: (ms: number) => (t += ms) }
}

describe('keyboard shortcuts', () => {
  it('opens the palette with Ctrl+K or Cmd+K, even while typing', () => {
    const { h, key } = setup()
    key('k', { ctrlKey: true })
    key('K', { metaKey: true }, document.createElement('input'))
    expect(h.palette).toHaveBeenCalledTimes(2)
  })

  it('navigates with g-sequences within a second', () => {
    const { h, key, advance } = setup()
    key('g')
    key('m')
    expect(h.go).toHaveBeenLastCalledWith('monitors')
    key('g')
    advance(1500)
    key('i')
    expect(h.go).toHaveBeenCalledTimes(1)
  })

  it('ignores single-key shortcuts in form fields', () => {
    const { h, key } = setup()
    key('c', {}, document.createElement('textarea'))
    key('/', {}, document.createElement('input'))
    expect(h.create).not.toHaveBeenCalled()
    key('c')
    key('/')
    key('?')
    expect(h.create).toHaveBeenCalledOnce()
    expect(h.search).toHaveBeenCalledOnce()
    expect(h.help).toHaveBeenCalledOnce()
  })
})
