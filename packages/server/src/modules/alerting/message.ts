import type { Timings } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'
import type { AlertRuleRow } from '../../storage/repositories/index.js'
import { type Change, whatChanged } from './changes.js'
import type { DigestItem, Outcome } from './decide.js'
import type { AlertCondition, MessageKind, Observation } from './types.js'

/**
 * One message model for every channel: built once when a send is decided (and stored with the
 * delivery), rendered per channel, locale and template when it is delivered.
 */
export interface AlertMessage {
  kind: MessageKind
  condition: AlertCondition
  rule: { id: string; name: string } | null
  at: number
  monitor: { id: string; name: string; check_type: string; target: string } | null
  incident: {
    id: string
    scope: string
    started_at: number
    resolved_at: number | null
    cause: string | null
  } | null
  probe: { id: string; name: string; region: string | null } | null
  affected_probes: { id: string; name: string; region: string | null }[]
  observation: Observation | null
  /** Failing conditions of the latest result: the condition (expected) and the actual value. */
  failing: { condition: string; actual: string; severity: string }[]
  /** What changed and explains the notification: TLS certificate, DNS answers, status code. */
  changes: Change[]
  timings: Timings | null
  http_status: number | null
  error: { phase: string; message: string } | null
  links: { incident: string | null; monitor: string | null }
  digest:
    | {
        message: MessageKind
        monitor_name: string | null
        probe_name: string | null
        at: number
        scope: string | null
        value: Observation | null
      }[]
    | null
}

interface StoredDetail {
  timings?: Timings
  failure?: { phase: string; message: string }
  conditions?: { condition: string; success: boolean; actual: string; severity: string }[]
}

function link(base: string | undefined, path: string): string | null {
  return base ? `${base.replace(/\/+$/, '')}${path}` : null
}

/** Reads what the message needs (monitor, incident, probes, latest result). Only called for sends. */
export async function buildMessage(deps: Deps, rule: AlertRuleRow, o: Outcome): Promise<AlertMessage> {
  const ids = new Set<string>()
  if (o.monitorId) ids.add(o.monitorId)
  for (const it of o.digest ?? []) if (it.monitorId) ids.add(it.monitorId)
  const [monitors, probes, incident] = await Promise.all([
    deps.repos.monitors.findManyByIds([...ids]),
    deps.repos.probes.list(),
    o.incidentId ? deps.repos.incidents.findById(o.incidentId) : Promise.resolve(undefined),
  ])
  const monitorOf = new Map(monitors.map((m) => [m.id, m]))
  const probeOf = new Map(
    probes.map((p) => [p.id, { id: p.id, name: p.name, region: p.region ?? (p.location_name || null) }]),
  )
  const monitor = o.monitorId ? monitorOf.get(o.monitorId) : undefined
  const base = deps.config.PUBLIC_URL

  let detail: StoredDetail = {}
  let httpStatus: number | null = null
  let changes: Change[] = []
  if (monitor && o.message !== 'digest') {
    // Enough results to find each fresh probe's previous one and its previous stored detail.
    const latest = await deps.repos.results.listForMonitor(monitor.id, { limit: 50, offset: 0 })
    const newest = latest[0]
    httpStatus = newest?.http_status ?? null
    const withDetail = latest.slice(0, 10).find((r) => r.detail !== null)
    if (withDetail?.detail) detail = JSON.parse(withDetail.detail) as StoredDetail
    if (o.message !== 'resolved') changes = whatChanged(latest)
  }
  const affected = incident ? (JSON.parse(incident.affected_probe_ids) as string[]) : []
  return {
    kind: o.message,
    condition: rule.condition as AlertCondition,
    rule: { id: rule.id, name: rule.name },
    at: o.at,
    monitor: monitor
      ? { id: monitor.id, name: monitor.name, check_type: monitor.check_type, target: monitor.url }
      : null,
    incident: incident
      ? {
          id: incident.id,
          scope: o.scope ?? incident.scope,
          started_at: incident.started_at,
          resolved_at: incident.resolved_at,
          cause: incident.cause,
        }
      : null,
    probe: o.probeId ? (probeOf.get(o.probeId) ?? { id: o.probeId, name: o.probeId, region: null }) : null,
    affected_probes: affected.map((id) => probeOf.get(id) ?? { id, name: id, region: null }),
    observation: o.value,
    failing: (detail.conditions ?? [])
      .filter((c) => !c.success)
      .map((c) => ({ condition: c.condition, actual: c.actual, severity: c.severity })),
    changes,
    timings: detail.timings ?? null,
    http_status: httpStatus,
    error: o.message === 'resolved' ? null : (detail.failure ?? null),
    links: {
      incident: incident ? link(base, `/incidents/${incident.id}`) : null,
      monitor: monitor ? link(base, `/monitors/${monitor.id}`) : null,
    },
    digest: o.digest ? o.digest.map((it) => digestLine(it, monitorOf, probeOf)) : null,
  }
}

function digestLine(
  it: DigestItem,
  monitors: Map<string, { name: string }>,
  probes: Map<string, { name: string }>,
): NonNullable<AlertMessage['digest']>[number] {
  return {
    message: it.message,
    monitor_name: it.monitorId ? (monitors.get(it.monitorId)?.name ?? null) : null,
    probe_name: it.probeId ? (probes.get(it.probeId)?.name ?? it.probeId) : null,
    at: it.at,
    scope: it.scope,
    value: it.value,
  }
}

/** The fixed message a channel's test button sends. */
export function testMessage(at: number, publicUrl: string | undefined): AlertMessage {
  return {
    kind: 'test',
    condition: 'any_down',
    rule: null,
    at,
    monitor: null,
    incident: null,
    probe: null,
    affected_probes: [],
    observation: null,
    failing: [],
    changes: [],
    timings: null,
    http_status: null,
    error: null,
    links: { incident: null, monitor: link(publicUrl, '/monitors') },
    digest: null,
  }
}
