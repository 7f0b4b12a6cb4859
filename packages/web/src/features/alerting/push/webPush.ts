import { api } from '../../../api/index'

/**
 * This device and Web Push: the service worker that shows the alerts (public/sw.js) and the
 * browser subscription the server's web_push channel sends to.
 */

const SW_URL = '/sw.js'
/** The server's id of this browser's subscription (the server never returns endpoints to match on). */
const ID_KEY = 'wiu.push.subscription'

export type PushState = 'unsupported' | 'denied' | 'enabled' | 'disabled'

export interface PushSubscriptionOut {
  id: string
  endpoint_host: string
  label: string | null
  created_at: string
  last_sent_at: string | null
}

const supported = () =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window

/** Registers the service worker once the app is up (a no-op where the browser has none). */
export function registerServiceWorker(): void {
  if (!supported()) return
  navigator.serviceWorker.register(SW_URL).catch(() => {
    // Without it this device gets no browser notifications; the rest of the app is unaffected.
  })
}

/** Where this device stands: no support, notifications blocked, subscribed or not. */
export async function pushState(): Promise<PushState> {
  if (!supported()) return 'unsupported'
  if (Notification.permission === 'denied') return 'denied'
  const reg = await navigator.serviceWorker.getRegistration(SW_URL)
  const sub = await reg?.pushManager.getSubscription()
  return sub ? 'enabled' : 'disabled'
}

/** Asks permission, subscribes this browser with the instance's VAPID key and registers it on the server. */
export async function enablePush(label: string): Promise<PushState> {
  if (!supported()) return 'unsupported'
  if ((await Notification.requestPermission()) !== 'granted') return 'denied'
  await navigator.serviceWorker.register(SW_URL)
  const reg = await navigator.serviceWorker.ready
  const { public_key } = await api.get<{ public_key: string }>('/push/vapid-public-key')
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(public_key) }))
  const saved = await api.post<PushSubscriptionOut>('/push/subscriptions', { ...sub.toJSON(), label })
  localStorage.setItem(ID_KEY, saved.id)
  return 'enabled'
}

/** Unsubscribes this browser and forgets it on the server. */
export async function disablePush(): Promise<PushState> {
  const reg = await navigator.serviceWorker.getRegistration(SW_URL)
  await (await reg?.pushManager.getSubscription())?.unsubscribe()
  const id = localStorage.getItem(ID_KEY)
  localStorage.removeItem(ID_KEY)
  if (id) await api.delete(`/push/subscriptions/${encodeURIComponent(id)}`)
  return 'disabled'
}

/** The VAPID public key as the bytes `applicationServerKey` wants. */
export function base64UrlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(s.length / 4) * 4, '=')
  const raw = atob(b64)
  const out = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}
