import type { CheckStatus, MonitorStatus } from '@whatisup/shared'

/** Every domain event and its payload. Alerting, WebSocket fan-out and audit subscribe here. */
export interface DomainEvents {
  MonitorCreated: { monitorId: string; ownerId: string }
  MonitorUpdated: { monitorId: string; ownerId: string }
  MonitorDeleted: { monitorId: string; ownerId: string }
  MonitorStateChanged: { monitorId: string; ownerId: string; from: MonitorStatus; to: MonitorStatus; at: number }
  /**
   * A group was created, renamed or described anew, gained or lost members, or was deleted. Its
   * `ownerId` and `teamId` decide who hears of it (the group's own visibility, even once deleted).
   */
  GroupCreated: { groupId: string; ownerId: string; teamId: string | null }
  GroupUpdated: { groupId: string; ownerId: string; teamId: string | null }
  GroupDeleted: { groupId: string; ownerId: string; teamId: string | null }
  /** A tag was created (also implicitly, by tagging a monitor), renamed or recoloured, put on or taken off monitors, or deleted. */
  TagCreated: { tagId: string; ownerId: string }
  TagUpdated: { tagId: string; ownerId: string }
  TagDeleted: { tagId: string; ownerId: string }
  ResultsRecorded: { probeId: string; count: number; monitorIds: string[] }
  /**
   * An incident opened. `paging` is false while it is suppressed (maintenance, parent down); a
   * later `IncidentReleased` says when it starts paging.
   */
  IncidentOpened: {
    incidentId: string
    monitorId: string
    ownerId: string
    at: number
    cause: string | null
    scope: string
    affectedProbeIds: string[]
    paging: boolean
    suppressed: string | null
    /** Set when it joined an incident group: the group pages once for its root cause. */
    groupId: string | null
  }
  /** A suppressed incident outlived its suppression (maintenance ended, parent recovered): it pages now. */
  IncidentReleased: { incidentId: string; monitorId: string; ownerId: string; at: number; reason: string }
  /** Scope or affected probes changed; `escalated` (e.g. regional → global) is a notified change. */
  IncidentUpdated: {
    incidentId: string
    monitorId: string
    ownerId: string
    at: number
    scope: string
    previousScope: string
    affectedProbeIds: string[]
    escalated: boolean
  }
  /** `paged` is true when the incident had paged: its resolution must always be delivered. */
  IncidentResolved: {
    incidentId: string
    monitorId: string
    ownerId: string
    at: number
    durationSeconds: number
    paged: boolean
  }
  /** A probe uploaded the diagnostics it captured for an incident (see modules/diagnostics). */
  DiagnosticsRecorded: { incidentId: string; monitorId: string; ownerId: string; probeId: string; at: number }
  MonitorFlapping: { monitorId: string; ownerId: string; at: number; state: 'started' | 'stopped'; probeIds: string[] }
  /** The engine wants these probes to check this monitor now (confirmation of a failure). */
  ConfirmationRequested: { monitorId: string; probeIds: string[] }
  ProbeOffline: { probeId: string; at: number; lastSeenAt: number | null }
  ProbeOnline: { probeId: string; at: number }
  ProbeSuspect: { probeId: string; at: number; state: 'started' | 'stopped'; failingMonitors: number }
  ProbeSeen: { probeId: string; at: number }
  CheckRequested: { monitorId: string }
  /** Alerting recorded deliveries to send (the delivery worker wakes up instead of waiting for its poll). */
  AlertDeliveriesRecorded: { count: number }
}
export type EventName = keyof DomainEvents
export type LastStatus = CheckStatus

type Handler<K extends EventName> = (payload: DomainEvents[K]) => void | Promise<void>

/**
 * Typed in-process bus. Handlers run after the emitter's work is committed; a failing handler is
 * logged and never breaks the emitter. A Redis pub/sub implementation fans out across replicas.
 */
export class EventBus {
  private handlers = new Map<EventName, Set<Handler<never>>>()

  constructor(private onError: (event: EventName, err: unknown) => void = () => {}) {}

  on<K extends EventName>(event: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(event)
    if (!set) {
      set = new Set()
      this.handlers.set(event, set)
    }
    set.add(handler as Handler<never>)
    return () => set.delete(handler as Handler<never>)
  }

  emit<K extends EventName>(event: K, payload: DomainEvents[K]): void {
    for (const h of this.handlers.get(event) ?? []) {
      try {
        const r = (h as Handler<K>)(payload)
        if (r instanceof Promise) r.catch((err: unknown) => this.onError(event, err))
      } catch (err) {
        this.onError(event, err)
      }
    }
  }
}
