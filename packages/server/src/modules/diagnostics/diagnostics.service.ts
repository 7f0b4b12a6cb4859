import {
  DIAGNOSTIC_REQUEST_TTL_MS,
  type DiagnosticKind,
  type DiagnosticRequestState,
  type DiagnosticResult,
  type DiagnosticsUpload,
  type DiagnosticsUploadResponse,
  type DiagnosticTarget,
  type IncidentDiagnosticsDto,
  iso,
  type ProbeCommand,
} from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { DiagnosticRequestRow, DiagnosticResultRow, ProbeRow } from '../../storage/repositories/index.js'
import { authorize } from '../policy/policy.js'
import { commandHub } from '../probes/index.js'
import { planFor } from './target.js'

/**
 * A pushed request still pending after this long is pushed again at the probe's next heartbeat:
 * the command hub holds commands in memory for 60 s, and a probe may restart mid-run. Longer than
 * a run (collectors stop at 10 s) plus an upload, so a healthy probe is not asked twice.
 */
export const RESEND_AFTER_MS = 90_000

/**
 * Records one diagnostic request per affected probe of an incident and pushes it to the probes
 * that are listening. Idempotent: a probe already asked for this incident is not asked again (the
 * database's unique index decides). Probes not connected get it at their next heartbeat.
 */
export async function requestDiagnostics(
  deps: Deps,
  incident: { incidentId: string; monitorId: string; probeIds: readonly string[] },
): Promise<DiagnosticRequestRow[]> {
  if (incident.probeIds.length === 0) return []
  const [monitor] = await deps.repos.monitors.findManyByIds([incident.monitorId])
  if (!monitor) return []
  const plan = planFor(monitor.check_type, monitor.url, JSON.parse(monitor.config) as Record<string, unknown>)
  if (!plan) return []
  const known = new Set((await deps.repos.probes.list()).filter((p) => p.is_active === 1).map((p) => p.id))
  const now = deps.clock.now()
  const created = await deps.repos.diagnostics.insertNew(
    incident.probeIds
      .filter((id) => known.has(id))
      .map((probeId) => ({
        id: newId(now),
        incident_id: incident.incidentId,
        probe_id: probeId,
        monitor_id: incident.monitorId,
        target: JSON.stringify(plan.target),
        kinds: JSON.stringify(plan.kinds),
        state: 'pending',
        requested_at: now,
        sent_at: null,
        expires_at: now + DIAGNOSTIC_REQUEST_TTL_MS,
        completed_at: null,
      })),
  )
  await push(deps, created)
  deps.log.debug({ incidentId: incident.incidentId, probes: created.length }, 'diagnostics requested')
  return created
}

/** Pushes a probe's due requests: called when it heartbeats, so an offline probe catches up. */
export async function deliverDue(deps: Deps, probeId: string): Promise<number> {
  const now = deps.clock.now()
  const due = await deps.repos.diagnostics.due(probeId, now, now - RESEND_AFTER_MS)
  await push(deps, due)
  return due.length
}

async function push(deps: Deps, requests: DiagnosticRequestRow[]): Promise<void> {
  if (requests.length === 0) return
  const hub = commandHub(deps)
  for (const r of requests) hub.push(r.probe_id, toCommand(r))
  await deps.repos.diagnostics.markSent(
    requests.map((r) => r.id),
    deps.clock.now(),
  )
}

/** The wire form of a stored request. */
export function toCommand(r: DiagnosticRequestRow): ProbeCommand {
  return {
    type: 'diagnose',
    request_id: r.id,
    monitor_id: r.monitor_id,
    incident_id: r.incident_id,
    target: JSON.parse(r.target) as DiagnosticTarget,
    kinds: JSON.parse(r.kinds) as DiagnosticKind[],
  }
}

/**
 * `POST /probes/diagnostics`: a probe's results for one of ITS requests. The first upload
 * completes the request; a retry of the same request answers `duplicate: true` and changes
 * nothing; a request past its deadline is refused (`CONFLICT`).
 */
export async function recordDiagnostics(
  deps: Deps,
  probe: ProbeRow,
  body: DiagnosticsUpload,
): Promise<DiagnosticsUploadResponse> {
  // Another probe's request and an unknown id look the same.
  const request = await deps.repos.diagnostics.findForProbe(body.request_id, probe.id)
  if (!request) throw notFound('diagnostic request')
  const now = deps.clock.now()
  if (request.state === 'complete') return { accepted: 0, duplicate: true }
  if (request.state === 'expired' || request.expires_at <= now) {
    throw new AppError('CONFLICT', 'this diagnostic request expired; its results are no longer accepted')
  }
  const asked = new Set(JSON.parse(request.kinds) as string[])
  const unasked = body.results.filter((r) => !asked.has(r.kind)).map((r) => r.kind)
  if (unasked.length > 0) {
    throw new AppError('VALIDATION_FAILED', `kinds not requested: ${unasked.join(', ')}`, {
      issues: [{ path: 'body.results', message: `not requested: ${unasked.join(', ')}` }],
    })
  }
  const rows: DiagnosticResultRow[] = body.results.map((r) => ({
    request_id: request.id,
    kind: r.kind,
    payload: r.payload === null ? null : JSON.stringify(r.payload),
    raw: r.raw,
    error: r.error,
    duration_ms: Math.round(r.duration_ms),
    collected_at: r.collected_at,
  }))
  if (!(await deps.repos.diagnostics.complete(request.id, rows, now))) return { accepted: 0, duplicate: true }
  const incident = await deps.repos.incidents.findById(request.incident_id)
  const [monitor] = incident ? await deps.repos.monitors.findManyByIds([incident.monitor_id]) : []
  if (monitor) {
    deps.events.emit('DiagnosticsRecorded', {
      incidentId: request.incident_id,
      monitorId: monitor.id,
      ownerId: monitor.owner_id,
      probeId: probe.id,
      at: now,
    })
  }
  return { accepted: rows.length, duplicate: false }
}

/** `GET /incidents/{id}/diagnostics`: for whoever may see the incident (else 404, no existence leak). */
export async function listDiagnostics(
  deps: Deps,
  ctx: RequestContext,
  incidentId: string,
): Promise<IncidentDiagnosticsDto> {
  const incident = await deps.repos.incidents.findVisible(ctx, incidentId)
  if (!incident) throw notFound('incident')
  authorize(ctx, 'monitor:read', incident)
  const now = deps.clock.now()
  const requests = await deps.repos.diagnostics.forIncident(incidentId)
  const results = await deps.repos.diagnostics.results(requests.map((r) => r.id))
  return {
    probes: requests.map((r) => ({
      request_id: r.id,
      probe_id: r.probe_id,
      probe_name: r.probe_name,
      // The sweep may not have run yet: a request past its deadline reads as expired already.
      state: (r.state === 'pending' && r.expires_at <= now ? 'expired' : r.state) as DiagnosticRequestState,
      kinds: JSON.parse(r.kinds) as DiagnosticKind[],
      target: JSON.parse(r.target) as DiagnosticTarget,
      requested_at: iso(r.requested_at),
      expires_at: iso(r.expires_at),
      completed_at: r.completed_at === null ? null : iso(r.completed_at),
      results: results.filter((x) => x.request_id === r.id).map(toResult),
    })),
  }
}

function toResult(r: DiagnosticResultRow): DiagnosticResult {
  return {
    kind: r.kind,
    payload: r.payload === null ? null : JSON.parse(r.payload),
    raw: r.raw,
    error: r.error,
    duration_ms: Number(r.duration_ms),
    collected_at: Number(r.collected_at),
  } as DiagnosticResult
}

/** Marks overdue requests expired; returns how many. */
export function expireDiagnostics(deps: Deps): Promise<number> {
  return deps.repos.diagnostics.expire(deps.clock.now())
}
