export { maintenanceRoutes } from './maintenance.routes.js'
export { activeWindow, type MaintenanceSchedule, nextWindow } from './schedule.js'
