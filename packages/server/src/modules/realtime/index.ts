export { type RealtimeEvent, RealtimeHub } from './realtime.hub.js'
export { CLOSE, type RealtimeOptions, realtimeRoutes } from './realtime.routes.js'
