export { assessMonitoring, LAG_P99_LIMIT_MS, monitoringStatus } from './monitoring-health.js'
export { startWatchdog, watchdogBeat, watchdogSettled } from './watchdog.js'
export { monitoringStatusRoutes } from './watchdog.routes.js'
