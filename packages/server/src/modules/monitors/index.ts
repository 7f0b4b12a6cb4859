export { toConfig } from './monitors.mapper.js'
export { monitorRoutes } from './monitors.routes.js'
export { listMonitors, toIncidentOut, toResultOut } from './monitors.service.js'
