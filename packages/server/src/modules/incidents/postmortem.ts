import type { IncidentEventRow, IncidentRow, IncidentUpdateRow } from '../../storage/repositories/index.js'

const fmt = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
const dur = (ms: number) => `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`

const LABEL: Record<string, (d: Record<string, unknown>) => string> = {
  opened: (d) => `Opened, scope **${String(d.scope)}**${d.suppressed ? ` (suppressed: ${String(d.suppressed)})` : ''}`,
  escalated: (d) => `Escalated ${String(d.from)} → **${String(d.to)}**`,
  scope_changed: (d) => `Scope ${String(d.from)} → ${String(d.to)}`,
  released: (d) => `Paged: ${String(d.reason)}`,
  acked: (d) => `Acknowledged by ${String(d.by)}`,
  snoozed: (d) => `Snoozed until ${String(d.until)}`,
  flapping_started: () => 'Flapping started',
  flapping_stopped: () => 'Flapping stopped',
  resolved: () => 'Resolved',
}

/**
 * The post-mortem draft stored when an incident resolves: timeline, affected probes, what was
 * sent, and the numbers. Markdown; rendered safely by the web app.
 */
export function renderPostmortem(
  monitorName: string,
  inc: IncidentRow,
  events: readonly IncidentEventRow[],
  updates: readonly IncidentUpdateRow[],
  probeNames: ReadonlyMap<string, string>,
): string {
  const end = inc.resolved_at
  const affected = (JSON.parse(inc.affected_probe_ids) as string[]).map((id) => probeNames.get(id) ?? id)
  const lines = [
    `# Post-mortem: ${monitorName}`,
    '',
    `- **Duration:** ${fmt(inc.started_at)} → ${end === null ? '_in progress_' : `${fmt(end)} (${dur(end - inc.started_at)})`}`,
    `- **First failing check:** ${fmt(inc.first_failure_at)} (detected after ${dur(inc.started_at - inc.first_failure_at)})`,
    `- **Scope:** ${inc.scope}`,
    `- **Affected probes:** ${affected.length ? affected.join(', ') : '—'}`,
    `- **Cause reported by the probes:** ${inc.cause ?? '—'}`,
    '',
    '## Timeline',
    '',
    '| time | event |',
    '|---|---|',
    ...events.map((e) => {
      const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {}
      return `| ${fmt(e.at)} | ${(LABEL[e.kind] ?? ((d) => `${e.kind} ${JSON.stringify(d)}`))(data)} |`
    }),
    '',
  ]
  if (updates.length) {
    lines.push('## Updates', '', ...updates.map((u) => `- ${fmt(u.created_at)} **${u.status}**: ${u.message}`), '')
  }
  lines.push('## Corrective actions', '', '- _to be completed_', '')
  return lines.join('\n')
}
