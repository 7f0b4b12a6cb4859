import type { Change } from './changes.js'
import type { AlertMessage } from './message.js'
import type { AlertCondition, MessageKind, Observation } from './types.js'

export type Locale = 'en' | 'fr'

/** A message rendered for people: every channel formats these parts its own way. */
export interface Rendered {
  title: string
  summary: string
  facts: [label: string, value: string][]
  link: string | null
  severity: 'critical' | 'warning' | 'ok' | 'info'
  /** Plain text: title, summary, facts, link. */
  text: string
  /** Flat values for per-channel templates (`{{monitor_name}}`…). */
  vars: Record<string, string>
}

const L = {
  en: {
    problem: {
      any_down: 'DOWN',
      all_down: 'DOWN everywhere',
      degraded: 'DEGRADED',
      ssl_expiry: 'Certificate expires soon',
      domain_expiry: 'Domain expires soon',
      response_time_above: 'Slow',
      response_time_above_baseline: 'Slower than usual',
      anomaly: 'Latency anomaly',
      slo_burn_fast: 'SLO error budget burning fast',
      slo_burn_slow: 'SLO error budget burning',
      flapping: 'Flapping',
      probe_offline: 'Probe offline',
    },
    resolved: 'RESOLVED',
    recovered: 'Recovered',
    escalated: 'ESCALATED',
    reminder: 'Reminder',
    digest: (n: number) => `Digest: ${n} alert${n === 1 ? '' : 's'}`,
    test: 'Test notification',
    testBody: 'This is a test from WhatIsUp: this channel works.',
    scope: {
      global: 'Global outage (all probes)',
      regional: 'Regional outage',
      partial: 'Partial outage',
      probe_local: 'Seen by one probe only',
      none: '',
    } as Record<string, string>,
    labels: {
      monitor: 'Monitor',
      target: 'Target',
      condition: 'Failing condition',
      value: 'Value',
      probes: 'Affected probes',
      probe: 'Probe',
      status: 'Status code',
      error: 'Error',
      timings: 'Timings',
      started: 'Started',
      resolved: 'Resolved',
      duration: 'Duration',
      rule: 'Rule',
      changed: 'What changed',
    },
    actual: 'actual',
    ms: (a: number, e: number) => `${a} ms (threshold ${e} ms)`,
    msBaseline: (a: number, e: number, b: number) => `${a} ms (threshold ${e} ms, usually ${b} ms)`,
    z: (a: number, e: number, lat: number, b: number) => `z-score ${a} above ${e}: ${lat} ms, usually ${b} ms`,
    burn: (a: number, e: number) => `error budget burning ${a}× the sustainable rate (alert at ≥ ${e}×)`,
    change: {
      tls_fingerprint: 'TLS certificate replaced',
      tls_issuer: 'certificate issuer',
      tls_expiry: 'certificate expiry',
      dns_answers: 'DNS answers',
      status_code: 'status code',
    } as Record<Change['what'], string>,
    days: (a: number, e: number) => `expires in ${a} day${a === 1 ? '' : 's'} (alert at ≤ ${e})`,
    flapStarted: 'The monitor keeps changing state.',
    probeOffline: 'The probe stopped reporting.',
  },
  fr: {
    problem: {
      any_down: 'EN PANNE',
      all_down: 'EN PANNE partout',
      degraded: 'DÉGRADÉ',
      ssl_expiry: 'Certificat bientôt expiré',
      domain_expiry: 'Domaine bientôt expiré',
      response_time_above: 'Lent',
      response_time_above_baseline: 'Plus lent que d’habitude',
      anomaly: 'Latence anormale',
      slo_burn_fast: 'Budget d’erreur du SLO consommé très vite',
      slo_burn_slow: 'Budget d’erreur du SLO consommé trop vite',
      flapping: 'Instable',
      probe_offline: 'Sonde hors ligne',
    },
    resolved: 'RÉSOLU',
    recovered: 'Rétabli',
    escalated: 'AGGRAVÉ',
    reminder: 'Rappel',
    digest: (n: number) => `Résumé : ${n} alerte${n === 1 ? '' : 's'}`,
    test: 'Notification de test',
    testBody: 'Ceci est un test de WhatIsUp : ce canal fonctionne.',
    scope: {
      global: 'Panne globale (toutes les sondes)',
      regional: 'Panne régionale',
      partial: 'Panne partielle',
      probe_local: 'Vue par une seule sonde',
      none: '',
    } as Record<string, string>,
    labels: {
      monitor: 'Moniteur',
      target: 'Cible',
      condition: 'Condition en échec',
      value: 'Valeur',
      probes: 'Sondes touchées',
      probe: 'Sonde',
      status: 'Code HTTP',
      error: 'Erreur',
      timings: 'Temps',
      started: 'Début',
      resolved: 'Résolu',
      duration: 'Durée',
      rule: 'Règle',
      changed: 'Ce qui a changé',
    },
    actual: 'valeur',
    ms: (a: number, e: number) => `${a} ms (seuil ${e} ms)`,
    msBaseline: (a: number, e: number, b: number) => `${a} ms (seuil ${e} ms, habituellement ${b} ms)`,
    z: (a: number, e: number, lat: number, b: number) =>
      `score z ${a} au-delà de ${e} : ${lat} ms, habituellement ${b} ms`,
    burn: (a: number, e: number) => `budget d’erreur consommé ${a}× plus vite que le rythme tenable (alerte à ≥ ${e}×)`,
    change: {
      tls_fingerprint: 'certificat TLS remplacé',
      tls_issuer: 'émetteur du certificat',
      tls_expiry: 'expiration du certificat',
      dns_answers: 'réponses DNS',
      status_code: 'code HTTP',
    } as Record<Change['what'], string>,
    days: (a: number, e: number) => `expire dans ${a} jour${Math.abs(a) > 1 ? 's' : ''} (alerte à ≤ ${e})`,
    flapStarted: 'Le moniteur change d’état sans cesse.',
    probeOffline: 'La sonde ne répond plus.',
  },
} as const

export const fmtTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`
}

function fmtObservation(o: Observation, locale: Locale): string {
  const t = L[locale]
  switch (o.unit) {
    case 'ms':
      return o.baseline_ms === undefined
        ? t.ms(o.actual, o.expected)
        : t.msBaseline(o.actual, o.expected, o.baseline_ms)
    case 'days':
      return t.days(o.actual, o.expected)
    case 'z':
      return t.z(o.actual, o.expected, o.latency_ms ?? 0, o.baseline_ms ?? 0)
    case 'burn':
      return t.burn(o.actual, o.expected)
  }
}

/** One change as people read it: `status code: 200 → 503`. */
export function fmtChange(c: Change, locale: Locale): string {
  return `${L[locale].change[c.what]}: ${c.before} → ${c.after}`
}

const isProblem = (k: MessageKind) => k === 'opened' || k === 'escalated' || k === 'renotify'
const ICON: Record<MessageKind, string> = {
  opened: '🔴',
  escalated: '🔴',
  renotify: '🔁',
  resolved: '✅',
  digest: '📦',
  test: '🔔',
}

function titleOf(m: AlertMessage, locale: Locale): string {
  const t = L[locale]
  const subject = m.monitor?.name ?? m.probe?.name ?? ''
  const cond = t.problem[m.condition as AlertCondition]
  switch (m.kind) {
    case 'test':
      return `${ICON.test} ${t.test}`
    case 'digest':
      return `${ICON.digest} ${t.digest(m.digest?.length ?? 0)}`
    case 'resolved': {
      const word = m.condition === 'any_down' || m.condition === 'all_down' ? t.resolved : t.recovered
      return `${ICON.resolved} ${word}: ${subject}`
    }
    case 'escalated':
      return `${ICON.escalated} ${t.escalated}: ${subject}`
    case 'renotify':
      return `${ICON.renotify} ${t.reminder} — ${cond}: ${subject}`
    case 'opened':
      return `${ICON.opened} ${cond}: ${subject}`
  }
}

function scopeLabel(m: AlertMessage, locale: Locale): string {
  const scope = m.incident?.scope
  if (!scope) return ''
  const base = L[locale].scope[scope] ?? scope
  if (scope !== 'regional') return base
  const regions = [...new Set(m.affected_probes.map((p) => p.region).filter((r): r is string => !!r))]
  return regions.length ? `${base} — ${regions.join(', ')}` : base
}

/**
 * Renders the model for people in one language. Channels take the parts they need.
 *
 * @example renderMessage(model, 'fr').title // '🔴 EN PANNE: api'
 */
export function renderMessage(m: AlertMessage, locale: Locale): Rendered {
  const t = L[locale]
  const lb = t.labels
  const facts: [string, string][] = []
  const scope = scopeLabel(m, locale)
  let summary = scope
  if (m.kind === 'test') summary = t.testBody
  else if (m.observation) summary = fmtObservation(m.observation, locale)
  else if (m.condition === 'flapping' && isProblem(m.kind)) summary = t.flapStarted
  else if (m.condition === 'probe_offline' && isProblem(m.kind)) summary = t.probeOffline
  if (m.error && isProblem(m.kind))
    summary = [summary, `${m.error.phase}: ${m.error.message}`].filter(Boolean).join(' — ')

  if (m.monitor) {
    facts.push([lb.monitor, m.monitor.name])
    facts.push([lb.target, m.monitor.target])
  }
  if (m.probe) facts.push([lb.probe, m.probe.region ? `${m.probe.name} (${m.probe.region})` : m.probe.name])
  if (m.observation) facts.push([lb.value, fmtObservation(m.observation, locale)])
  if (isProblem(m.kind)) {
    for (const f of m.failing.slice(0, 5)) facts.push([lb.condition, `${f.condition} — ${t.actual}: ${f.actual}`])
    if (m.affected_probes.length)
      facts.push([lb.probes, m.affected_probes.map((p) => (p.region ? `${p.name} (${p.region})` : p.name)).join(', ')])
    const changes = m.changes ?? []
    if (changes.length) facts.push([lb.changed, changes.map((c) => fmtChange(c, locale)).join('; ')])
    if (m.http_status !== null) facts.push([lb.status, String(m.http_status)])
    if (m.error) facts.push([lb.error, `${m.error.phase}: ${m.error.message}`])
    if (m.timings) {
      const tm = m.timings
      const parts = [
        ['DNS', tm.dns_ms],
        ['connect', tm.connect_ms],
        ['TLS', tm.tls_ms],
        ['TTFB', tm.ttfb_ms],
        ['transfer', tm.transfer_ms],
      ].filter((p): p is [string, number] => typeof p[1] === 'number')
      if (parts.length) facts.push([lb.timings, parts.map(([k, v]) => `${k} ${Math.round(v)} ms`).join(' · ')])
    }
  }
  if (m.incident) {
    facts.push([lb.started, fmtTime(m.incident.started_at)])
    if (m.kind === 'resolved') {
      const end = m.incident.resolved_at ?? m.at
      facts.push([lb.resolved, fmtTime(end)])
      facts.push([lb.duration, fmtDuration((end - m.incident.started_at) / 1000)])
    }
  }
  if (m.rule) facts.push([lb.rule, m.rule.name])
  const digestLines = (m.digest ?? []).map((d) => {
    const who = d.monitor_name ?? d.probe_name ?? ''
    const what = d.value ? fmtObservation(d.value, locale) : d.scope ? (t.scope[d.scope] ?? d.scope) : ''
    return `• ${fmtTime(d.at)} ${ICON[d.message]} ${who}${what ? ` — ${what}` : ''}`
  })
  const linkUrl = m.links.incident ?? m.links.monitor
  const title = titleOf(m, locale)
  const text = [title, summary, ...digestLines, ...facts.map(([k, v]) => `${k}: ${v}`), ...(linkUrl ? [linkUrl] : [])]
    .filter(Boolean)
    .join('\n')
  const severity =
    m.kind === 'resolved'
      ? 'ok'
      : m.kind === 'test' || m.kind === 'digest'
        ? 'info'
        : m.condition === 'any_down' || m.condition === 'all_down' || m.condition === 'probe_offline'
          ? 'critical'
          : 'warning'
  const vars: Record<string, string> = {
    title,
    summary,
    text,
    event: m.kind,
    condition: m.condition,
    status: m.kind === 'resolved' ? 'resolved' : m.kind === 'test' ? 'test' : 'problem',
    monitor_id: m.monitor?.id ?? '',
    monitor_name: m.monitor?.name ?? '',
    monitor_target: m.monitor?.target ?? '',
    check_type: m.monitor?.check_type ?? '',
    incident_id: m.incident?.id ?? '',
    scope: m.incident?.scope ?? '',
    scope_label: scope,
    started_at: m.incident ? new Date(m.incident.started_at).toISOString() : '',
    resolved_at: m.incident?.resolved_at ? new Date(m.incident.resolved_at).toISOString() : '',
    duration: m.incident ? fmtDuration(((m.incident.resolved_at ?? m.at) - m.incident.started_at) / 1000) : '',
    actual: m.observation ? String(m.observation.actual) : (m.failing[0]?.actual ?? ''),
    expected: m.observation ? String(m.observation.expected) : (m.failing[0]?.condition ?? ''),
    error: m.error ? `${m.error.phase}: ${m.error.message}` : '',
    http_status: m.http_status === null ? '' : String(m.http_status),
    probes: m.affected_probes.map((p) => p.name).join(', '),
    changes: (m.changes ?? []).map((c) => fmtChange(c, locale)).join('; '),
    probe_name: m.probe?.name ?? '',
    incident_url: m.links.incident ?? '',
    monitor_url: m.links.monitor ?? '',
    timestamp: new Date(m.at).toISOString(),
  }
  return { title, summary, facts, link: linkUrl, severity, text, vars }
}

/**
 * Fills `{{name}}` placeholders; `escape` adapts values to the target syntax (JSON, HTML…).
 *
 * @example applyTemplate('{{monitor_name}} is {{status}}', vars) // 'api is problem'
 */
export function applyTemplate(template: string, vars: Record<string, string>, esc = (s: string) => s): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) => esc(vars[name] ?? ''))
}

/** A value inside a JSON string literal the template author wrote (`"{{monitor_name}}"`). */
export const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1)

export const htmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
