import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB } from '../schema.js'

export type DiagnosticRequestRow = Selectable<DB['diagnostic_requests']>
export type DiagnosticResultRow = Selectable<DB['diagnostic_results']>
export type NewDiagnosticRequest = Insertable<DB['diagnostic_requests']>

/** The requests of one incident with the name of the probe asked. */
export type DiagnosticRequestWithProbe = DiagnosticRequestRow & { probe_name: string }

/** Diagnostic requests (one per incident × affected probe) and the results probes uploaded for them. */
export class DiagnosticsRepository {
  constructor(private db: Kysely<DB>) {}

  /** Inserts the requests not already there (same incident and probe); returns the ones inserted. */
  async insertNew(rows: NewDiagnosticRequest[]): Promise<DiagnosticRequestRow[]> {
    if (rows.length === 0) return []
    return this.db
      .insertInto('diagnostic_requests')
      .values(rows)
      .onConflict((oc) => oc.columns(['incident_id', 'probe_id']).doNothing())
      .returningAll()
      .execute()
  }

  /**
   * A probe's requests still worth sending: pending, not expired, and never pushed or pushed
   * before `resendBefore` (the push was lost, or the probe restarted while running it).
   */
  due(probeId: string, now: number, resendBefore: number): Promise<DiagnosticRequestRow[]> {
    return this.db
      .selectFrom('diagnostic_requests')
      .selectAll()
      .where('probe_id', '=', probeId)
      .where('state', '=', 'pending')
      .where('expires_at', '>', now)
      .where((eb) => eb.or([eb('sent_at', 'is', null), eb('sent_at', '<', resendBefore)]))
      .orderBy('requested_at')
      .limit(50)
      .execute()
  }

  async markSent(ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return
    await this.db.updateTable('diagnostic_requests').set({ sent_at: now }).where('id', 'in', ids).execute()
  }

  findForProbe(id: string, probeId: string): Promise<DiagnosticRequestRow | undefined> {
    return this.db
      .selectFrom('diagnostic_requests')
      .selectAll()
      .where('id', '=', id)
      .where('probe_id', '=', probeId)
      .executeTakeFirst()
  }

  /**
   * Stores a probe's results and completes the request, in one transaction. Only the first upload
   * wins: returns false (and stores nothing) when the request was no longer pending.
   */
  complete(requestId: string, results: DiagnosticResultRow[], now: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const done = await tx
        .updateTable('diagnostic_requests')
        .set({ state: 'complete', completed_at: now })
        .where('id', '=', requestId)
        .where('state', '=', 'pending')
        .executeTakeFirst()
      if (Number(done.numUpdatedRows) === 0) return false
      await tx.insertInto('diagnostic_results').values(results).execute()
      return true
    })
  }

  /** Pending requests past their deadline become `expired`; returns how many. */
  async expire(now: number): Promise<number> {
    const r = await this.db
      .updateTable('diagnostic_requests')
      .set({ state: 'expired' })
      .where('state', '=', 'pending')
      .where('expires_at', '<=', now)
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  forIncident(incidentId: string): Promise<DiagnosticRequestWithProbe[]> {
    return this.db
      .selectFrom('diagnostic_requests')
      .innerJoin('probes', 'probes.id', 'diagnostic_requests.probe_id')
      .selectAll('diagnostic_requests')
      .select('probes.name as probe_name')
      .where('diagnostic_requests.incident_id', '=', incidentId)
      .orderBy('probes.name')
      .execute()
  }

  results(requestIds: readonly string[]): Promise<DiagnosticResultRow[]> {
    if (requestIds.length === 0) return Promise.resolve([])
    return this.db
      .selectFrom('diagnostic_results')
      .selectAll()
      .where('request_id', 'in', requestIds)
      .orderBy('request_id')
      .orderBy('kind')
      .execute()
  }
}
