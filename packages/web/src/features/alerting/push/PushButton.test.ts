import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n, setLocale } from '../../../i18n'
import PushButton from './PushButton.vue'
import { base64UrlToBytes } from './webPush'

const api = vi.hoisted(() => ({ get: vi.fn(), post: vi.fn(), delete: vi.fn() }))
vi.mock('../../../api/index', async (orig) => ({ ...(await orig<object>()), api }))

const KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'

/** A browser with the Push API: a service worker registration whose push manager records subscribe(). */
function fakeBrowser(permission: NotificationPermission, answer: NotificationPermission = 'granted') {
  let current: { endpoint: string; toJSON: () => object; unsubscribe: () => Promise<boolean> } | null = null
  const subscribe = vi.fn(async () => {
    current = {
      endpoint: 'https://push.example.test/sub/1',
      toJSON: () => ({
        endpoint: 'https://push.example.test/sub/1',
        expirationTime: null,
        keys: { p256dh: 'P', auth: 'A' },
      }),
      unsubscribe: async () => {
        current = null
        return true
      },
    }
    return current
  })
  const reg = { pushManager: { getSubscription: async () => current, subscribe } }
  vi.stubGlobal('PushManager', class {})
  vi.stubGlobal('Notification', { permission, requestPermission: vi.fn(async () => answer) })
  Object.defineProperty(navigator, 'serviceWorker', {
    configurable: true,
    value: { register: vi.fn(async () => reg), getRegistration: vi.fn(async () => reg), ready: Promise.resolve(reg) },
  })
  return { subscribe }
}

beforeEach(() => {
  api.get.mockReset()
  api.post.mockReset()
  api.delete.mockReset()
  localStorage.clear()
})
afterEach(() => {
  vi.unstubAllGlobals()
  setLocale('en', false)
})

describe('PushButton', () => {
  it('subscribes this browser with the VAPID key and registers it on the server', async () => {
    const { subscribe } = fakeBrowser('default')
    api.get.mockResolvedValue({ public_key: KEY })
    api.post.mockResolvedValue({
      id: 'sub1',
      endpoint_host: 'push.example.test',
      label: 'x',
      created_at: '',
      last_sent_at: null,
    })
    const w = mount(PushButton, { global: { plugins: [i18n] } })
    await flushPromises()
    await w.get('button').trigger('click')
    await flushPromises()
    expect(api.get).toHaveBeenCalledWith('/push/vapid-public-key')
    expect(subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(KEY) })
    expect(api.post).toHaveBeenCalledWith(
      '/push/subscriptions',
      expect.objectContaining({ endpoint: 'https://push.example.test/sub/1', keys: { p256dh: 'P', auth: 'A' } }),
    )
    expect(w.text()).toContain('This device receives browser notifications.')

    await w.get('button').trigger('click')
    await flushPromises()
    expect(api.delete).toHaveBeenCalledWith('/push/subscriptions/sub1')
    expect(w.text()).toContain('Enable browser notifications on this device')
  })

  it('explains a refusal, in French too', async () => {
    fakeBrowser('default', 'denied')
    setLocale('fr', false)
    const w = mount(PushButton, { global: { plugins: [i18n] } })
    await flushPromises()
    await w.get('button').trigger('click')
    await flushPromises()
    expect(w.text()).toContain('Les notifications sont bloquées pour ce site')
    expect(api.post).not.toHaveBeenCalled()
  })

  it('says so when the browser has no Push API', async () => {
    Object.defineProperty(navigator, 'serviceWorker', { configurable: true, value: undefined })
    delete (navigator as { serviceWorker?: unknown }).serviceWorker
    const w = mount(PushButton, { global: { plugins: [i18n] } })
    await flushPromises()
    expect(w.text()).toContain('This browser cannot receive push notifications.')
    expect(w.find('button').exists()).toBe(false)
  })

  it('decodes the base64url VAPID key to its 65 bytes', () => {
    const b = base64UrlToBytes(KEY)
    expect(b).toHaveLength(65)
    expect(b[0]).toBe(4)
  })
})
