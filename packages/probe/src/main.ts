import { type ProbeAgent, startAgent } from './agent/agent.js'
import { loadProbeConfig } from './config.js'
import { createLogger } from './log.js'

// The only file that reads process.env or touches process lifetime.
let config: ReturnType<typeof loadProbeConfig>
try {
  config = loadProbeConfig(process.env)
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}

const log = createLogger({ level: config.logLevel })
// Every agent timer is unref'd (shutdown is explicit), so this is what keeps the process alive.
const keepAlive = setInterval(() => {}, 1 << 30)
// `kill -USR2 <pid>`: one log line with the agent's counters (what a benchmark or an operator reads).
// Installed first: SIGUSR2's default action would end the process.
let agent: ProbeAgent | undefined
process.on('SIGUSR2', () => {
  if (agent) log.info('probe stats', { stats: agent.stats() })
})
agent = await startAgent({ config, logger: log }).catch((error: unknown) => {
  log.error('probe agent could not start', { error, data_dir: config.dataDir })
  process.exit(1)
})

let signals = 0
const shutdown = async (signal: string) => {
  // A second signal means "now": results not yet on disk are lost, which the operator asked for.
  if (++signals > 1) process.exit(1)
  log.info('shutting down', { signal })
  try {
    await agent?.stop()
  } catch (error) {
    log.error('unclean shutdown', { error })
    process.exitCode = 1
  }
  clearInterval(keepAlive)
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal))
