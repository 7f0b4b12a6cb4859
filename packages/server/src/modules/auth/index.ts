export { authRoutes } from './auth.routes.js'
export { authenticate, toUserOut } from './auth.service.js'
export { hashPassword } from './passwords.js'
export { sha256 } from './tokens.js'
