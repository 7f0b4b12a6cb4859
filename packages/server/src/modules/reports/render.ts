import type { ReportDto } from '../analytics/index.js'
import type { Period, ReportSchedule } from './period.js'

/**
 * The group SLA report e-mail (pure): a group summary, then one row per member monitor with the
 * figures of its SLA report (analytics), as HTML and plain text, in English or French.
 */
const L = {
  en: {
    subject: (g: string, p: string) => `[WhatIsUp] ${g}: SLA report ${p}`,
    weekly: 'weekly',
    monthly: 'monthly',
    period: (from: string, to: string, tz: string) => `From ${from} to ${to} (${tz})`,
    summary: 'Summary',
    monitors: 'Monitors',
    average: 'Average uptime',
    worst: 'Lowest uptime',
    downtime: 'Downtime',
    incidents: 'Incidents',
    monitor: 'Monitor',
    uptime: 'Uptime',
    mttr: 'MTTR',
    mttd: 'MTTD',
    p95: 'p95 latency',
    slo: 'SLO',
    met: 'met',
    missed: 'missed',
    none: 'This group has no monitors.',
    open: 'Open the group',
  },
  fr: {
    subject: (g: string, p: string) => `[WhatIsUp] ${g} : rapport SLA ${p}`,
    weekly: 'hebdomadaire',
    monthly: 'mensuel',
    period: (from: string, to: string, tz: string) => `Du ${from} au ${to} (${tz})`,
    summary: 'Synthèse',
    monitors: 'Moniteurs',
    average: 'Disponibilité moyenne',
    worst: 'Disponibilité la plus basse',
    downtime: 'Indisponibilité',
    incidents: 'Incidents',
    monitor: 'Moniteur',
    uptime: 'Disponibilité',
    mttr: 'MTTR',
    mttd: 'MTTD',
    p95: 'Latence p95',
    slo: 'SLO',
    met: 'tenu',
    missed: 'manqué',
    none: 'Ce groupe n’a aucun moniteur.',
    open: 'Ouvrir le groupe',
  },
} as const

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const pct = (x: number | null) => (x === null ? '—' : `${x.toFixed(3)} %`)
const mins = (x: number) => `${Math.round(x)} min`
const secs = (x: number | null) => (x === null ? '—' : x >= 60 ? `${Math.round(x / 60)} min` : `${Math.round(x)} s`)
const ms = (x: number | null) => (x === null ? '—' : `${Math.round(x)} ms`)

function localDay(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}

export interface GroupReportInput {
  group: { name: string }
  schedule: ReportSchedule
  period: Period
  timezone: string
  reports: readonly ReportDto[]
  locale: 'en' | 'fr'
  link: string | null
}

/**
 * @example renderGroupReport({ group: { name: 'Checkout' }, schedule: 'weekly', … }).subject
 * // '[WhatIsUp] Checkout: SLA report weekly'
 */
export function renderGroupReport(i: GroupReportInput): { subject: string; text: string; html: string } {
  const t = L[i.locale]
  // The period ends at midnight: the last day shown is the one before it.
  const span = t.period(localDay(i.period.from, i.timezone), localDay(i.period.to - 1, i.timezone), i.timezone)
  const measured = i.reports.filter((r) => r.total_checks > 0)
  const avg = measured.length ? measured.reduce((s, r) => s + r.uptime_percent, 0) / measured.length : null
  const worst = measured.length ? Math.min(...measured.map((r) => r.uptime_percent)) : null
  const downtime = i.reports.reduce((s, r) => s + r.downtime_minutes, 0)
  const incidents = i.reports.reduce((s, r) => s + r.incident_count, 0)
  const summary: [string, string][] = [
    [t.monitors, String(i.reports.length)],
    [t.average, pct(avg)],
    [t.worst, pct(worst)],
    [t.downtime, mins(downtime)],
    [t.incidents, String(incidents)],
  ]
  const cols = [t.monitor, t.uptime, t.downtime, t.incidents, t.mttr, t.mttd, t.p95, t.slo]
  const rows = i.reports.map((r) => [
    r.monitor_name,
    pct(r.total_checks > 0 ? r.uptime_percent : null),
    mins(r.downtime_minutes),
    String(r.incident_count),
    secs(r.mttr_seconds),
    secs(r.mttd_seconds),
    ms(r.p95_response_time_ms),
    r.slo ? `${r.slo.target} % ${r.slo.met ? t.met : t.missed}` : '—',
  ])
  const subject = t.subject(i.group.name, t[i.schedule])
  const text = [
    subject.replace('[WhatIsUp] ', ''),
    span,
    '',
    ...summary.map(([k, v]) => `${k}: ${v}`),
    '',
    ...(rows.length ? rows.map((r) => r.map((v, k) => `${cols[k]}: ${v}`).join(' · ')) : [t.none]),
    ...(i.link ? ['', i.link] : []),
  ].join('\n')
  const cell = 'style="padding:4px 10px;border-bottom:1px solid #ddd;text-align:left"'
  const html = [
    `<h2 style="margin:0 0 4px">${esc(subject.replace('[WhatIsUp] ', ''))}</h2>`,
    `<p style="margin:0 0 12px;color:#555">${esc(span)}</p>`,
    `<h3>${esc(t.summary)}</h3>`,
    `<table>${summary.map(([k, v]) => `<tr><th ${cell}>${esc(k)}</th><td ${cell}>${esc(v)}</td></tr>`).join('')}</table>`,
    rows.length
      ? `<table style="border-collapse:collapse;margin-top:12px"><thead><tr>${cols.map((c) => `<th ${cell}>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
          .map((r) => `<tr>${r.map((v) => `<td ${cell}>${esc(v)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`
      : `<p>${esc(t.none)}</p>`,
    i.link ? `<p><a href="${esc(i.link)}">${esc(t.open)}</a></p>` : '',
  ].join('\n')
  return { subject, text, html }
}
