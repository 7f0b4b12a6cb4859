/**
 * Prometheus text exposition format 0.0.4, written by hand (no client library): families of
 * samples with HELP and TYPE lines, label values escaped.
 */
export interface Sample {
  labels?: Record<string, string>
  value: number
}
export interface Family {
  name: string
  help: string
  type: 'gauge' | 'counter'
  samples: Sample[]
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

/** @example render([{ name: 'up', help: 'Up', type: 'gauge', samples: [{ value: 1 }] }]) */
export function render(families: readonly Family[]): string {
  const out: string[] = []
  for (const f of families) {
    if (f.samples.length === 0) continue
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`)
    for (const s of f.samples) {
      const labels = s.labels
        ? Object.entries(s.labels)
            .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
            .join(',')
        : ''
      out.push(`${f.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`)
    }
  }
  return `${out.join('\n')}\n`
}
