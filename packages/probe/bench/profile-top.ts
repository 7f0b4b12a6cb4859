/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench:probe -- --profile=DIR`): self time by
 * function, self time by area (agent / checkers / node internals / GC), and inclusive time of
 * chosen entry points.
 *
 *   node --import tsx packages/probe/bench/profile-top.ts DIR/file.cpuprofile [top=30]
 */
import { readFileSync } from 'node:fs'

// Piped into `head`: a closed stdout ends the report, not in a crash.
process.stdout.on('error', () => process.exit(0))

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topText = '30'] = process.argv.slice(2)
if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [top]')
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const short = (url: string) =>
  url
    .replace(/^file:\/\/.*?\/packages\//, '')
    .replace(/^file:\/\/.*?\/node_modules\//, 'npm:')
    .replace(/\?.*$/, '')
const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`

function area(n: Node): string {
  const url = n.callFrame.url
  const name = n.callFrame.functionName
  if (!url) return name.startsWith('(') ? name : '(native)'
  if (url.includes('/probe/src/agent/')) return 'agent'
  if (url.includes('/probe/src/checkers/')) return 'checkers'
  if (url.includes('/shared/src/')) return 'shared'
  if (url.includes('node_modules/zod')) return 'zod'
  if (url.includes('node_modules/')) return 'npm (other)'
  const internal = /^node:(internal\/)?([a-z_]+)/.exec(url)?.[2]
  return internal ? `node:${internal}` : short(url)
}

const self = new Map<string, number>()
const areas = new Map<string, number>()
const inclusive = new Map<string, number>()
let total = 0
let idle = 0
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  const node = byId.get(id)
  if (!node) return
  if (node.callFrame.functionName === '(idle)') {
    idle += dt
    return
  }
  total += dt
  self.set(label(node), (self.get(label(node)) ?? 0) + dt)
  areas.set(area(node), (areas.get(area(node)) ?? 0) + dt)
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)
    if (!n) break
    const key = n.callFrame.functionName
    if (!key || seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt)
  }
})

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`
const print = (title: string, entries: Array<[string, number]>, n: number) => {
  process.stdout.write(`\n${title}\n`)
  for (const [k, v] of entries.sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${pct(v)}  ${k}\n`)
}
process.stdout.write(`busy ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s\n`)
print('self time by area', [...areas], 20)
print('self time by function', [...self], Number(topText))
const entryPoints = [
  'runCheck',
  'runHttpCheck',
  'openConnection',
  'exchange',
  'toResult',
  'onTimer',
  'tick',
  'pump',
  'start',
  'seal',
  'deliverBatch',
  'send',
  'stringify',
  'add',
  'sweep',
  'guard',
  'buildHealth',
  'readTlsInfo',
  'handshake',
]
print(
  'inclusive time of entry points (by function name)',
  entryPoints.map((k) => [k, inclusive.get(k) ?? 0]),
  40,
)
