// WhatIsUp service worker: shows the alerts the server sends by Web Push (the web_push channel)
// and, on click, focuses a tab already on the incident or opens it. The payload is the JSON built
// by packages/server/src/modules/alerting/channels/web-push.channel.ts (title, body, url, tag…).
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

self.addEventListener('push', (event) => {
  let data = {}
  try {
    data = event.data ? event.data.json() : {}
  } catch {
    data = { body: event.data ? event.data.text() : '' }
  }
  event.waitUntil(
    self.registration.showNotification(data.title || 'WhatIsUp', {
      body: data.body || '',
      // One notification per incident or condition: a reminder or the resolution replaces it.
      tag: data.tag || undefined,
      renotify: Boolean(data.tag),
      icon: '/favicon.svg',
      timestamp: data.timestamp || Date.now(),
      requireInteraction: data.severity === 'critical',
      data: { url: data.url || '/' },
    }),
  )
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const target = new URL(event.notification.data?.url || '/', self.location.origin)
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      const exact = windows.find((w) => w.url === target.href)
      if (exact) return exact.focus()
      const sameApp = windows.find((w) => new URL(w.url).origin === target.origin)
      if (sameApp && target.origin === self.location.origin) {
        await sameApp.navigate(target.href)
        return sameApp.focus()
      }
      return self.clients.openWindow(target.href)
    })(),
  )
})
