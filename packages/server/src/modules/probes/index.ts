export { probeRoutes } from './probes.routes.js'
export { ensureEmbeddedProbe, toProbeOut } from './probes.service.js'
