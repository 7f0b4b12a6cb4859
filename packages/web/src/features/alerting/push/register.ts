import { registerServiceWorker } from './webPush'

// Imported once by main.ts: the service worker that shows Web Push alerts is registered at start.
registerServiceWorker()
