import { iso } from '@whatisup/shared'
import type { IncidentSpan } from '../../storage/repositories/analytics.repository.js'
import type { ReportDto, UptimeDto } from './analytics.schemas.js'
import { round } from './stats.js'

/**
 * The SLA report (pure): rollup uptime plus incident facts, and its CSV and printable HTML forms.
 * Incidents count when they started in the range; their downtime counts the part inside the
 * range (an incident still open counts up to `now`, not 0 as in the reference).
 */
export function buildReport(input: {
  monitor: { id: string; name: string }
  from: number
  to: number
  now: number
  uptime: UptimeDto
  incidents: readonly IncidentSpan[]
  slo: { target: number } | null
}): ReportDto {
  const { from, to, now } = input
  const end = Math.min(to, now)
  const started = input.incidents.filter((i) => i.started_at >= from && i.started_at < to)
  let downtimeMs = 0
  for (const i of input.incidents) {
    const a = Math.max(i.started_at, from)
    const b = Math.min(i.resolved_at ?? end, end)
    if (b > a) downtimeMs += b - a
  }
  const resolved = started.filter((i) => i.resolved_at !== null)
  const mean = (xs: number[]) => (xs.length === 0 ? null : round(xs.reduce((s, x) => s + x, 0) / xs.length, 1))
  const u = input.uptime
  return {
    monitor_id: input.monitor.id,
    monitor_name: input.monitor.name,
    from: iso(from),
    to: iso(to),
    precision: u.precision,
    uptime_percent: round(u.uptime_percent, 4),
    internal_uptime_percent: u.internal_uptime_percent,
    external_uptime_percent: u.external_uptime_percent,
    downtime_minutes: u.downtime_minutes,
    maintenance_minutes: u.minutes.maint,
    total_checks: u.total_checks,
    up_checks: u.up_checks,
    incident_count: started.length,
    total_downtime_seconds: Math.round(downtimeMs / 1000),
    mttr_seconds: mean(resolved.map((i) => ((i.resolved_at as number) - i.started_at) / 1000)),
    mttd_seconds: mean(started.map((i) => (i.started_at - i.first_failure_at) / 1000)),
    avg_response_time_ms: u.latency.avg_ms,
    p95_response_time_ms: u.latency.p95_ms,
    min_response_time_ms: u.latency.min_ms,
    max_response_time_ms: u.latency.max_ms,
    incidents: started.map((i) => ({
      id: i.id,
      started_at: iso(i.started_at),
      resolved_at: iso(i.resolved_at),
      duration_seconds: i.resolved_at === null ? null : Math.round((i.resolved_at - i.started_at) / 1000),
      detection_seconds: Math.round((i.started_at - i.first_failure_at) / 1000),
      cause: i.cause,
    })),
    slo: input.slo ? { target: input.slo.target, met: u.uptime_percent >= input.slo.target } : null,
  }
}

const SUMMARY_FIELDS = [
  'monitor_id',
  'monitor_name',
  'from',
  'to',
  'uptime_percent',
  'internal_uptime_percent',
  'external_uptime_percent',
  'downtime_minutes',
  'maintenance_minutes',
  'total_checks',
  'up_checks',
  'incident_count',
  'total_downtime_seconds',
  'mttr_seconds',
  'mttd_seconds',
  'avg_response_time_ms',
  'p95_response_time_ms',
  'min_response_time_ms',
  'max_response_time_ms',
] as const satisfies readonly (keyof ReportDto)[]

/** RFC 4180 field; a leading = + - @ is prefixed with ' so spreadsheets never run it as a formula. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  let s = String(v)
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Summary header + row, a blank line, then one row per incident. */
export function reportCsv(r: ReportDto): string {
  const lines = [
    SUMMARY_FIELDS.join(','),
    SUMMARY_FIELDS.map((k) => csvField(r[k])).join(','),
    '',
    'incident_id,started_at,resolved_at,duration_seconds,detection_seconds,cause',
    ...r.incidents.map((i) =>
      [i.id, i.started_at, i.resolved_at, i.duration_seconds, i.detection_seconds, i.cause].map(csvField).join(','),
    ),
  ]
  return `${lines.join('\r\n')}\r\n`
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

const fmt = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '–' : `${v}${unit}`)
const dur = (s: number | null) => {
  if (s === null) return '–'
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`
}

/** A self-contained printable page (no scripts, inline styles only). */
export function reportHtml(r: ReportDto): string {
  const colour = r.uptime_percent >= 99 ? '#15803d' : r.uptime_percent >= 95 ? '#b45309' : '#b91c1c'
  const row = (k: string, v: string) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`
  const incidents =
    r.incidents.length === 0
      ? '<p>No incident in this period.</p>'
      : `<table class="inc"><thead><tr><th>Started</th><th>Resolved</th><th>Duration</th><th>Detection</th><th>Cause</th></tr></thead><tbody>${r.incidents
          .map(
            (i) =>
              `<tr><td>${escapeHtml(i.started_at)}</td><td>${escapeHtml(i.resolved_at ?? 'open')}</td><td>${escapeHtml(dur(i.duration_seconds))}</td><td>${escapeHtml(dur(i.detection_seconds))}</td><td>${escapeHtml(i.cause ?? '')}</td></tr>`,
          )
          .join('')}</tbody></table>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SLA report: ${escapeHtml(r.monitor_name)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;color:#111;max-width:820px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.4rem;margin:0}.period{color:#555;margin:.2rem 0 1.5rem}
.big{font-size:2.6rem;font-weight:700;color:${colour}}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd}
th[scope=row]{width:45%;font-weight:500;color:#333}.inc th{background:#f3f4f6}
@media print{body{margin:0}a{color:inherit}}
</style></head><body>
<h1>SLA report: ${escapeHtml(r.monitor_name)}</h1>
<p class="period">${escapeHtml(r.from)} → ${escapeHtml(r.to)}</p>
<div class="big">${escapeHtml(r.uptime_percent.toFixed(4))} %</div>
${r.slo ? `<p>SLO target ${escapeHtml(String(r.slo.target))} %: <strong>${r.slo.met ? 'met' : 'missed'}</strong></p>` : ''}
<table><tbody>
${row('Internal / external uptime', `${fmt(r.internal_uptime_percent, ' %')} / ${fmt(r.external_uptime_percent, ' %')}`)}
${row('Downtime', `${r.downtime_minutes} min`)}
${row('Maintenance', `${r.maintenance_minutes} min`)}
${row('Incidents', String(r.incident_count))}
${row('Incident downtime', dur(r.total_downtime_seconds))}
${row('Mean time to recover (MTTR)', dur(r.mttr_seconds))}
${row('Mean time to detect (MTTD)', dur(r.mttd_seconds))}
${row('Response time avg / p95', `${fmt(r.avg_response_time_ms, ' ms')} / ${fmt(r.p95_response_time_ms, ' ms')}`)}
${row('Response time min / max', `${fmt(r.min_response_time_ms, ' ms')} / ${fmt(r.max_response_time_ms, ' ms')}`)}
${row('Checks (up / total)', `${r.up_checks} / ${r.total_checks}`)}
</tbody></table>
<h2>Incidents</h2>
${incidents}
<p class="period">Uptime is the consensus across probes (a minute is up when a probe of the same network type saw it up; the worse of internal and external), maintenance excluded. Precision: ${escapeHtml(r.precision)}.</p>
</body></html>
`
}
