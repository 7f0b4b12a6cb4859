// `npm run rollups:rebuild [-- --monitor <id>…] [--from YYYY-MM-DD | --all]`: recomputes rollups
// from raw results with the server's configuration (same environment variables as the server).
import { parseArgs } from 'node:util'
import { ensureSecretKeyFile } from '../bootstrap.js'
import { loadConfig } from '../config/config.js'
import { createDeps } from '../core/create-deps.js'
import { rebuildRollups } from './rebuild.js'

const { values } = parseArgs({
  options: {
    monitor: { type: 'string', multiple: true },
    from: { type: 'string' },
    all: { type: 'boolean', default: false },
  },
})
const from = values.all ? -Infinity : values.from ? Date.parse(`${values.from}T00:00:00Z`) : undefined
if (from !== undefined && Number.isNaN(from)) {
  process.stderr.write('--from must be a date, YYYY-MM-DD\n')
  process.exit(2)
}
const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env }, ensureSecretKeyFile)
const deps = await createDeps(config)
const started = Date.now()
try {
  const r = await rebuildRollups(deps, {
    ...(values.monitor ? { monitorIds: values.monitor } : {}),
    ...(from !== undefined ? { from } : {}),
    onProgress: (p) => process.stdout.write(`  ${p.monitor}: ${p.days} days, ${p.results} results\n`),
  })
  await deps.repos.settings.set('ts.rebuild_pending', '0')
  const s = ((Date.now() - started) / 1000).toFixed(1)
  process.stdout.write(`rebuilt ${r.monitors} monitors, ${r.days} monitor-days, ${r.results} results in ${s} s\n`)
} finally {
  await deps.database.close()
}
