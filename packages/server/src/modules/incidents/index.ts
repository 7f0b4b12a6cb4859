export { evaluateMonitor, monitorSettings } from './evaluate.service.js'
export { releaseSuppressed } from './lifecycle.js'
