export { evaluateMonitor } from './evaluate.service.js'
