export { ensureEmbeddedProbe, toProbeOut } from './probes.service.js'
export { probeRoutes } from './probes.routes.js'
