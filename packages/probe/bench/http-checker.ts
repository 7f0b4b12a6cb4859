/**
 * CPU per HTTP check, comparable with the "Measured floor" table in STACK.md: fresh-connection GETs
 * at a fixed rate against a target in ANOTHER process, whole-process CPU (user + system) / checks.
 *
 *   node --import tsx packages/probe/bench/http-checker.ts [rate=500] [seconds=10] [http|https] [baseline]
 *
 * Target in the same harness (a Node server). `floor.ts` measures the same against nginx, and
 * `npm run bench:probe` the whole probe.
 */
import { fork } from 'node:child_process'
import { get as httpGet } from 'node:http'
import { get as httpsGet } from 'node:https'
import { systemClock } from '@whatisup/shared'
import { createHttpChecker } from '../src/checkers/http.js'
import { makeTestCerts } from '../test/helpers/certs.js'
import { monitor } from '../test/helpers/monitor.js'

const [rate = 500, seconds = 10] = process.argv.slice(2, 4).map(Number)
const scheme = process.argv[4] === 'https' ? 'https' : 'http'
/** `baseline`: plain `http(s).get` with `agent: false`, the STACK.md floor, in the same harness. */
const baseline = process.argv[5] === 'baseline'

if (process.env.BENCH_TARGET) {
  const { createServer } = await import(scheme === 'https' ? 'node:https' : 'node:http')
  const tls = scheme === 'https' ? JSON.parse(process.env.BENCH_TARGET) : {}
  const server = createServer(tls, (_req: unknown, res: { end: (s: string) => void }) => res.end('ok'))
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port))
} else {
  const certs = scheme === 'https' ? await makeTestCerts() : undefined
  const target = fork(process.argv[1]!, process.argv.slice(2), {
    env: { ...process.env, BENCH_TARGET: certs ? JSON.stringify(certs.valid) : '{}' },
    execArgv: ['--import', 'tsx'],
  })
  const port = await new Promise<number>((resolve) => target.once('message', (p) => resolve(Number(p))))
  const checker = createHttpChecker(certs ? { extraCa: [certs.ca] } : {})
  const m = monitor({ url: `${scheme}://127.0.0.1:${port}/` })
  const get = scheme === 'https' ? httpsGet : httpGet
  const plain = () =>
    new Promise<{ status: string }>((resolve) => {
      const req = get(m.url, { agent: false, ...(certs ? { ca: certs.ca } : {}) }, (res) => {
        res.resume()
        res.on('end', () => resolve({ status: 'up' }))
      })
      req.on('error', () => resolve({ status: 'down' }))
    })
  const run = baseline
    ? plain
    : () => checker.run({ monitor: m, checkedAt: Date.now(), policy: { allowPrivate: true }, clock: systemClock })
  for (let i = 0; i < 200; i++) await run() // warm-up: JIT, TLS context
  const cpu0 = process.cpuUsage()
  const total = rate * seconds
  let down = 0
  const pending: Array<Promise<void>> = []
  const started = performance.now()
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    pending.push(run().then((r) => void (r.status === 'down' && down++)))
  }
  await Promise.all(pending)
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const label = baseline ? `node:${scheme} agent:false (floor)` : `checker ${scheme}`
  console.log(
    `${label}: ${total} checks at ${rate}/s, ${down} down, ${(cpuMs / total).toFixed(3)} ms CPU per check (user ${(cpu.user / 1000 / total).toFixed(3)})`,
  )
  target.kill()
  await certs?.cleanup()
}
