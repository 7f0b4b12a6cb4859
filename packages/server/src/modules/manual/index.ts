export { manualRoutes } from './manual.routes.js'
export { listManualStates, setManualState, syncManual } from './manual.service.js'
