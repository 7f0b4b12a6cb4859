import { buildApp } from './app.js'
import { ensureAdmin, ensureSecretKeyFile } from './bootstrap.js'
import { type Config, ConfigError, loadConfig } from './config/config.js'
import { createDeps } from './core/create-deps.js'
import { startEmbeddedProbe } from './embedded-probe.js'
import { startStorageJobs } from './jobs/storage-jobs.js'
import { startDeliveryWorker } from './modules/alerting/index.js'
import { startIncidentJobs } from './modules/incidents/index.js'
import { startServerMonitors } from './modules/server-monitors/index.js'

/** The only file that reads process.env: config → deps → app → listen → embedded probe. */
async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env, ensureSecretKeyFile)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(78)
    }
    throw err
  }
  const deps = await createDeps(config)
  await ensureAdmin(deps)
  const app = await buildApp(deps)
  await app.listen({ host: config.HOST, port: config.PORT })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  deps.log.info({ url: `http://localhost:${port}`, dialect: config.dialect }, 'WhatIsUp is running')

  const stopJobs = startIncidentJobs(deps)
  const stopAlerting = startDeliveryWorker(deps)
  const stopServerMonitors = startServerMonitors(deps)
  const storageJobs = startStorageJobs(deps)
  const probe = config.EMBEDDED_PROBE ? await startEmbeddedProbe(deps, `http://127.0.0.1:${port}`) : null

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    deps.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 15_000)
    force.unref()
    try {
      stopJobs()
      await stopAlerting()
      stopServerMonitors()
      await storageJobs.stop()
      await probe?.stop()
      await app.close()
      await deps.database.close()
    } finally {
      process.exit(0)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
