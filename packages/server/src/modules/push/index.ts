export { pushRoutes } from './push.routes.js'
export { forgetSubscription, markSent, type PushTarget, pushTargets } from './push.service.js'
export { type VapidKeys, vapidKeys } from './vapid.js'
