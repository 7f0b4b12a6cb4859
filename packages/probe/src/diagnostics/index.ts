export { BLOCKED, type Collected, type Collector, type CollectorContext, DiagnosticError } from './collector.js'
export { type CollectorRegistry, createCollectors, type RunDiagnosticsOptions, runDiagnostics } from './run.js'
export { DiagnosticsRunner, type DiagnosticsRunnerOptions } from './runner.js'
export { parseTracepath, parseTraceroute } from './traceroute.js'
