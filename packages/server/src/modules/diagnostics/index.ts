export { diagnosticsRoutes } from './diagnostics.routes.js'
export { deliverDue, expireDiagnostics, RESEND_AFTER_MS, requestDiagnostics } from './diagnostics.service.js'
export { type DiagnosticPlan, planFor } from './target.js'
