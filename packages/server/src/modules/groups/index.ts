export { groupRoutes } from './groups.routes.js'
